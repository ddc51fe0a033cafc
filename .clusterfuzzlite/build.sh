#!/bin/bash
# ClusterFuzzLite / OSS-Fuzz build (run by `compile` from the repository root, $SRC/ext4codec). Writes six
# libFuzzer targets, $OUT/ext4codec_{check,info,journal,fc,replay,compat}: each the libfuzzer-dotnet driver
# (launcher.cc, built with $CXX $CXXFLAGS $LIB_FUZZING_ENGINE) that starts the SharpFuzz-instrumented .NET harness
# in structured mode over the corpus images, with a .dict, an .options file and a _seed_corpus.zip.
#
# Outside Docker, from the repository root: SRC=... OUT=... [WORK=...] bash .clusterfuzzlite/build.sh
# ($SRC/libfuzzer-dotnet/libfuzzer-dotnet.cc, or LIBFUZZER_DOTNET_CC, is the driver's source; clang++ and its
# libFuzzer runtime are needed, as are the .NET SDK and zip.)
set -euo pipefail

: "${SRC:?SRC must be set}" "${OUT:?OUT must be set}"
WORK=${WORK:-$(mktemp -d)}
CXX=${CXX:-clang++}
CXXFLAGS=${CXXFLAGS:-}
LIB_FUZZING_ENGINE=${LIB_FUZZING_ENGINE:--fsanitize=fuzzer}
driver=${LIBFUZZER_DOTNET_CC:-$SRC/libfuzzer-dotnet/libfuzzer-dotnet.cc}
[ -f Codec.sln ] || { echo "build.sh: run from the repository root" >&2; exit 1; }
[ -f "$driver" ] || { echo "build.sh: no libfuzzer-dotnet source at $driver" >&2; exit 1; }

# Everything but the targets lives in a subfolder: the runners take any executable at the top of $OUT whose
# bytes mention LLVMFuzzerTestOneInput for a fuzz target.
home=$OUT/ext4codec
rm -rf "$home"
mkdir -p "$home/seeds"

# Self-contained: the runner image has no .NET runtime. Only our assembly is instrumented, less the mutator.
(cd fuzz && dotnet tool restore)
dotnet publish fuzz/Ext4Codec.Fuzz/Ext4Codec.Fuzz.csproj -c Release -r linux-x64 --self-contained -o "$home/bin" --nologo
(cd fuzz && dotnet sharpfuzz "$home/bin/Ext4Codec.Runtime.dll" -Ext4Codec.Fuzzing)
cp corpus/kernel/*.img.gz corpus/fc/*.img.gz corpus/images/*.img.gz corpus/compat/*.img.gz "$home/seeds/"

# shellcheck disable=SC2086 # the flags are word lists
"$CXX" $CXXFLAGS -DLIBFUZZER_DOTNET_CC="\"$driver\"" .clusterfuzzlite/launcher.cc $LIB_FUZZING_ENGINE -o "$WORK/launcher"

for target in check info journal fc replay compat; do
  name=ext4codec_$target
  install -m 755 "$WORK/launcher" "$OUT/$name"
  # The driver execs its target with at most one argument; the harness's command line lives here.
  printf '#!/bin/sh\nhere=$(dirname "$0")\nexec "$here/bin/ext4codec-fuzz" %s --libfuzzer --structured "$here/seeds"\n' "$target" >"$home/$name.sh"
  chmod 755 "$home/$name.sh"
  cp fuzz/ext4.dict "$OUT/$name.dict"
  # A structured input means at most 11 bytes; longer ones waste the engine's effort.
  printf '[libfuzzer]\nmax_len = 16\n' >"$OUT/$name.options"
  rm -rf "$WORK/inputs-$target"
  # The seed list says which image each input's seed index names.
  "$home/bin/ext4codec-fuzz" "$target" --structured "$home/seeds" --make-inputs "$WORK/inputs-$target" >"$home/$name.seeds.txt"
  rm -f "$OUT/${name}_seed_corpus.zip"
  zip -q -j "$OUT/${name}_seed_corpus.zip" "$WORK/inputs-$target"/*
done
echo "build.sh: wrote $(ls "$OUT" | grep -c '^ext4codec_[a-z]*$') fuzz targets to $OUT"
