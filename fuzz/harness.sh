# Sourced by run-afl.sh and libfuzzer.sh (which set $here, the fuzz folder, and $repo): what both engines need.
#   locked CMD...              runs CMD under the machine's build lock (two cores: one build at a time)
#   publish_instrumented DIR   publishes the harness into DIR and instruments Ext4Codec.Runtime.dll there
#   seeds                      the seed folders: the corpus images, and the e2fsprogs test images when beside the repo

locked() { if command -v flock >/dev/null 2>&1; then flock "${EXT4CODEC_BUILD_LOCK:-/tmp/ext4codec-build.lock}" "$@"; else "$@"; fi; }

publish_instrumented() {
  (cd "$here" && locked dotnet tool restore >/dev/null)
  locked dotnet publish "$here/Ext4Codec.Fuzz/Ext4Codec.Fuzz.csproj" -c Release -o "$1" --nologo -v quiet
  # Only our assembly, and not the mutator (Ext4Codec.Fuzzing): coverage of the mutator's own branches would reward
  # inputs for how a mutation was chosen rather than for what the target did with it. (A leading '-' excludes a
  # prefix in the sharpfuzz tool.)
  (cd "$here" && dotnet sharpfuzz "$1/Ext4Codec.Runtime.dll" -Ext4Codec.Fuzzing)
}

# Folders, so the harness orders their images itself (ordinal), the same way again on replay.
seeds=("$repo/corpus/kernel" "$repo/corpus/fc" "$repo/corpus/images" "$repo/corpus/compat")
shared="$(cd "$repo/.." && pwd)/shared/e2fs-corpus/images"
[ -d "$shared" ] && seeds+=("$shared")
