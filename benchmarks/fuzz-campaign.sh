#!/usr/bin/env bash
# The fuzzing benchmark: for each target, a campaign of at least 10^6 mutations over the e2fsprogs test images
# (../shared/e2fs-corpus, gzip ones) and the kernel-written images in corpus/, two workers, fixed campaign seed.
# Prints a Markdown table (mutants, mutations, resealed, execs/s, slowest run, findings) and fails if any
# campaign stays under 10^6 mutations or has a finding. Usage: benchmarks/fuzz-campaign.sh [MUTANTS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
mutants=${1:-600000}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(check info journal fc replay compat)

dotnet build runtime/Ext4Codec.Cli -c Release -v quiet -nologo >/dev/null
cli=runtime/Ext4Codec.Cli/bin/Release/net10.0/ext4codec
seeds=(corpus/kernel corpus/fc corpus/images corpus/compat)
[ -d ../shared/e2fs-corpus/images ] && seeds+=(../shared/e2fs-corpus/images)
out=$(mktemp -d -t fuzz-bench-XXXXXX)
trap 'rm -rf "$out"' EXIT

echo "| Target | Mutants | Mutations | Resealed | Seconds | Mutants/s | Slowest run | Findings |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
status=0
for t in "${targets[@]}"; do
  "$cli" fuzz "${seeds[@]}" --target "$t" --iterations "$mutants" --seed 20261125 --jobs 2 --out "$out/$t" --json >"$out/$t.json" 2>"$out/$t.log" || true
  python3 - "$out/$t.json" <<'PY' || status=1
import json, sys
r = json.load(open(sys.argv[1]))
print(f"| {r['target']} | {r['execs']:,} | {r['mutations']:,} | {r['resealed']:,} | {r['elapsed_s']:.0f} | {r['execs_per_s']:,.0f} | {r['slowest_ms']:.0f} ms | {len(r['findings'])} |")
for f in r['findings']:
    print(f"  finding: {f['kind']} {f['signature']} ({f.get('reproducer', '')})", file=sys.stderr)
sys.exit(0 if r['mutations'] >= 1_000_000 and not r['findings'] else 1)
PY
done
exit $status
