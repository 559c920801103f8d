#!/usr/bin/env bash
# The packages as a user gets them: packs VisionGen.sln into a local feed, creates a fresh app OUTSIDE the repository
# (tests/PackageSmoke plus the sample's FashionCnn declaration), restores VisionGen.Runtime from that feed, builds it
# for net8.0 and net10.0 with the build output shown, runs the network on both and checks it against PyTorch's
# predictions, and checks that the two targets wrote the same bytes. Also checks what the packages hold.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/visiongen-packages.XXXXXX)
trap 'rm -rf "$work"' EXIT
start=$SECONDS

# Pack (after `dotnet test` the libraries are up to date and are not compiled again).
dotnet pack "$repo/VisionGen.sln" -c Release -o "$work/feed" --nologo -v q -clp:NoSummary
version=$(basename "$work"/feed/VisionGen.Runtime.*.snupkg .snupkg); version=${version#VisionGen.Runtime.}
echo "packed $version in $((SECONDS - start)) s: $(cd "$work/feed" && ls | tr '\n' ' ')"
/usr/bin/python3 - "$work/feed" "$version" <<'PY'
import sys, zipfile
feed, version = sys.argv[1], sys.argv[2]
def names(p): return set(zipfile.ZipFile(p).namelist())
rt = names(f"{feed}/VisionGen.Runtime.{version}.nupkg")
k = names(f"{feed}/VisionGen.Kernels.{version}.nupkg")
for need in ["analyzers/dotnet/cs/VisionGen.Generators.dll", "lib/net8.0/VisionGen.Runtime.dll", "lib/net10.0/VisionGen.Runtime.dll",
             "lib/net8.0/VisionGen.Runtime.xml", "README.md", "LICENSE"]:
    assert need in rt, f"VisionGen.Runtime package lacks {need}"
for need in ["lib/net8.0/VisionGen.Kernels.dll", "lib/net10.0/VisionGen.Kernels.dll", "README.md", "LICENSE"]:
    assert need in k, f"VisionGen.Kernels package lacks {need}"
# The generator travels once, in the runtime package; the kernels package depends on that one.
assert not any("Generators" in n for n in k), "VisionGen.Kernels package carries the generator"
for pkg, lib in [("Runtime", "VisionGen.Runtime"), ("Kernels", "VisionGen.Kernels")]:
    s = names(f"{feed}/VisionGen.{pkg}.{version}.snupkg")
    assert f"lib/net8.0/{lib}.pdb" in s and f"lib/net10.0/{lib}.pdb" in s, f"{pkg} symbols package lacks its PDBs"
print("package contents: ok")
PY

# The fresh app, outside the repository, with its own package folder (the machine's cache as a second source).
app="$work/app"
mkdir -p "$app"
cp "$repo/tests/PackageSmoke/PackageSmoke.csproj" "$repo/tests/PackageSmoke/Program.cs" "$repo/samples/FashionMnist/FashionCnn.cs" "$repo/samples/FashionMnist/Idx.cs" "$app/"
cat > "$app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$work/feed" />
    <add key="machine-cache" value="${NUGET_PACKAGES:-$HOME/.nuget/packages}" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
XML
export NUGET_PACKAGES="$work/packages"
t=$SECONDS
dotnet build "$app" -c Release -p:VisionGenVersion="$version" --nologo 2>&1 | tee "$work/build.log" | grep -vE '^\s*$'
echo "consumer restore + build (net8.0 and net10.0): $((SECONDS - t)) s"
grep -qE '^\s*0 Warning\(s\)' "$work/build.log" || { echo "FAIL: the consumer build has warnings"; exit 1; }

for tfm in net8.0 net10.0; do
  t=$SECONDS
  dotnet "$app/bin/Release/$tfm/PackageSmoke.dll" "$repo/samples/FashionMnist/model" "$repo/samples/FashionMnist/data" 300 "$work/out-$tfm"
  echo "$tfm run: $((SECONDS - t)) s"
done
diff -r "$work/out-net8.0" "$work/out-net10.0" && echo "net8.0 and net10.0 wrote the same bytes ($(ls "$work/out-net8.0" | wc -l) files)"

# An app that references only VisionGen.Kernels gets the generator once, through VisionGen.Runtime.
kapp="$work/kernels-only"
mkdir -p "$kapp"
cp "$app/nuget.config" "$kapp/"
cat > "$kapp/KernelsOnly.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net8.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup><PackageReference Include="VisionGen.Kernels" Version="$version" /></ItemGroup>
</Project>
XML
cat > "$kapp/Program.cs" <<'CS'
using VisionGen;
Console.WriteLine($"{SmallNet.InputLength} -> {SmallNet.OutputLength}");

[VisionModel(Channels = 3, Height = 32, Width = 32)]
[Conv2d("0", 16, 3, Padding = 1)]
[ReLU]
[GlobalAvgPool]
[Flatten]
[Linear("3", 10)]
public partial class SmallNet;
CS
t=$SECONDS
dotnet build "$kapp" -c Release --nologo -v n > "$work/kernels-only.log" 2>&1 || { tail -30 "$work/kernels-only.log"; exit 1; }
passes=$(grep -o '/analyzer:[^ ]*VisionGen.Generators.dll' "$work/kernels-only.log" | wc -l)
[ "$passes" = 1 ] || { echo "FAIL: the generator reached the compiler $passes times in a kernels-only app"; exit 1; }
echo "kernels-only app: built, generator passed to the compiler once ($((SECONDS - t)) s)"

# A ProjectReference to the runtime alone (no generator) fails with a message that says what to add.
papp="$work/project-reference"
mkdir -p "$papp"
cat > "$papp/ProjectReference.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings></PropertyGroup>
  <ItemGroup><ProjectReference Include="$repo/VisionGen.Runtime/VisionGen.Runtime.csproj" /></ItemGroup>
</Project>
XML
cp "$kapp/Program.cs" "$papp/"
t=$SECONDS
# With the machine's package folder: this build restores the repository's VisionGen.Runtime.csproj in place, and its
# obj/project.assets.json must not point into this script's temporary folder afterwards.
if env -u NUGET_PACKAGES dotnet build "$papp" -c Release --nologo > "$work/project-reference.log" 2>&1; then
  echo "FAIL: a project referencing VisionGen.Runtime.csproj without the generator built"; exit 1
fi
grep -m1 'VG0200' "$work/project-reference.log" | sed 's/^.*error/error/; s/ \[.*$//'
grep -q "VG0200.*OutputItemType=\"Analyzer\"" "$work/project-reference.log" || { echo "FAIL: no VG0200 message"; tail -20 "$work/project-reference.log"; exit 1; }
echo "project-reference app: the build says what to add ($((SECONDS - t)) s)"
echo "package test: $((SECONDS - start)) s"

# The same app as linux-arm64 under qemu, against these packages.
"$repo/scripts/test-arm64.sh" "$work/feed" "$version" "$work"
