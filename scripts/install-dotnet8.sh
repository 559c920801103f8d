#!/usr/bin/env bash
# Puts the .NET 8 runtime beside the .NET 10 SDK so the net8.0 tests and the net8.0 package consumer can run.
# No apt source has .NET here, so it comes from NuGet: the SDK's own runtime pack for self-contained net8.0 apps
# (Microsoft.NETCore.App.Runtime.<rid>, at the patch version this SDK picks) holds the same files as the shared
# runtime; they are copied to <dotnet root>/shared/Microsoft.NETCore.App/<version>, where `dotnet` finds them.
# Idempotent: does nothing when a 8.0 runtime is already listed.
set -euo pipefail
if dotnet --list-runtimes | grep -q '^Microsoft.NETCore.App 8\.0\.'; then exit 0; fi
rid=linux-x64
case "$(uname -m)" in aarch64|arm64) rid=linux-arm64 ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/probe.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup><TargetFramework>net8.0</TargetFramework><OutputType>Exe</OutputType>
    <RuntimeIdentifier>$rid</RuntimeIdentifier><SelfContained>true</SelfContained></PropertyGroup>
</Project>
XML
dotnet restore "$tmp/probe.csproj" --nologo -v q
# The version the SDK chose is the one restore recorded among the packs it downloaded.
version=$(/usr/bin/python3 - "$tmp/obj/project.assets.json" <<'PY'
import json, sys
deps = json.load(open(sys.argv[1]))["project"]["frameworks"]["net8.0"]["downloadDependencies"]
print(next(d["version"].strip("[]").split(",")[0].strip() for d in deps if d["name"].startswith("Microsoft.NETCore.App.Runtime.")))
PY
)
pack="${NUGET_PACKAGES:-$HOME/.nuget/packages}/microsoft.netcore.app.runtime.$rid/$version/runtimes/$rid"
root=$(dirname "$(readlink -f "$(command -v dotnet)")")
dest="$root/shared/Microsoft.NETCore.App/$version"
mkdir -p "$dest.tmp"
cp "$pack"/lib/net8.0/* "$pack"/native/* "$dest.tmp/"
mv "$dest.tmp" "$dest"
dotnet --list-runtimes | grep '^Microsoft.NETCore.App 8\.0\.'
