#!/usr/bin/env bash
# Packs Ext4Codec.Generator and Ext4Codec from this checkout into a local folder feed, restores the GPT sample
# from that feed (the package, not the project), builds its library for netstandard2.0 and net10.0 and runs the
# sample's tests against each build. Everything happens in a scratch copy; the checkout is not touched.
#
# Usage: samples/run-sample.sh [FEED_DIR]    FEED_DIR keeps the packed .nupkg files (default: a temp dir)
# Needs: the .NET 10 SDK, sgdisk and sfdisk (Debian: gdisk, fdisk).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
feed=${1:-$work/feed}
mkdir -p "$feed"
feed=$(cd "$feed" && pwd)
# A version no earlier run used, so NuGet's global cache cannot hand back an older build of the same version.
version="0.1.0-local.$(date +%s).$$"
packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
cleanup() {
    rm -rf "$work" "$packages/ext4codec.generator/$version" "$packages/ext4codec/$version"
}
trap cleanup EXIT

tar -C "$repo" --exclude=bin --exclude=obj -cf - Directory.Build.props LICENSE README.md generators runtime/Ext4Codec format-specs samples \
    | tar -C "$work" -xf -
cd "$work"
# The scratch copy is not a git checkout: Source Link has no commit to record, so it stays off here.
common=(-c Release -p:Version="$version" -p:EnableSourceLink=false -p:EnableSourceControlManagerQueries=false -nologo)
dotnet pack generators/Ext4Codec.Generator "${common[@]}" -o "$feed"
dotnet pack runtime/Ext4Codec "${common[@]}" -o "$feed"

cat > samples/NuGet.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="ext4codec-local" value="$feed" />
  </packageSources>
</configuration>
XML
for target in netstandard2.0 net10.0; do
    echo "== GPT sample, library built for $target =="
    dotnet test samples/Gpt/Gpt.Tests -nologo -p:Ext4CodecVersion="$version" -p:GptTarget="$target"
done
