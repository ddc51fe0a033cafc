# Sourced by make-kernel-images.sh and make-fc-images.sh: the canonical tree dump their ground truth uses, so the
# two corpora (and the tests reading them) share one format. Needs $work (a scratch directory) and die().
#
# dump_tree ROOT OUT writes one line per path under ROOT, LC_ALL=C sorted, tab-separated:
#   path type mode uid gid nlink size rdev inode content
# path: "/" for ROOT, else "/dir/name"; type: f d l c b p s; mode: 4 octal digits (permission bits incl.
# setuid/setgid/sticky); rdev: major:minor in decimal (0:0 unless c/b); content: sha256 of a regular file's bytes,
# a symlink's target, "-" otherwise. Names with a tab, newline or backslash are refused.
dump_tree() {
    local root=$1 out=$2 t="$work/dump" bad=$'*[\t\n\\\\]*'
    mkdir -p "$t"
    (
        cd "$root"
        if [ -n "$(find . -name "$bad" -print -quit)" ]; then die "tab, newline or backslash in a name"; fi
        find . -print0 | xargs -0 stat --printf '%n\t%f\t%u\t%g\t%h\t%s\t%t\t%T\t%i\n' > "$t/stat"
        find . -type f -print0 | xargs -0 -r sha256sum -z | tr '\0' '\n' > "$t/sums"
        find . -type l -printf '%p\t%l\n' > "$t/links"
    )
    awk -F'\t' -v OFS='\t' '
        function hex(s,   i, v) { v = 0; s = tolower(s)
            for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
            return v }
        function rel(p) { return p == "." ? "/" : substr(p, 2) }
        FILENAME == ARGV[1] { sum[rel(substr($0, 67))] = substr($0, 1, 64); next }
        FILENAME == ARGV[2] { i = index($0, "\t"); tgt[rel(substr($0, 1, i - 1))] = substr($0, i + 1); next }
        {
            p = rel($1); m = hex($2); ft = int(m / 4096)
            type = ft == 8 ? "f" : ft == 4 ? "d" : ft == 10 ? "l" : ft == 2 ? "c" : ft == 6 ? "b" : ft == 1 ? "p" : ft == 12 ? "s" : "?"
            if (type == "?") { print "unknown file type: " $0 > "/dev/stderr"; exit 1 }
            content = type == "f" ? sum[p] : type == "l" ? tgt[p] : "-"
            if (content == "") { print "no content for " p > "/dev/stderr"; exit 1 }
            rdev = (type == "c" || type == "b") ? hex($7) ":" hex($8) : "0:0"
            printf "%s\t%s\t%04o\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", p, type, m % 4096, $3, $4, $5, $6, rdev, $9, content
        }' "$t/sums" "$t/links" "$t/stat" | sort > "$out"
    rm -rf "$t"
}
