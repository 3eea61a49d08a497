#!/usr/bin/env bash
# Generates the Python stubs of the contract (protos/) into scoring_client/_generated/ with Debian's protoc and
# grpc_python_plugin (packages protobuf-compiler, protobuf-compiler-grpc). The googleapis protos the contract imports
# (google/api, google/rpc) come from the NuGet package Google.Api.CommonProtos the .NET build restored, or from the
# folder given as the first argument (one that holds google/api/annotations.proto).
# The generated imports are rewritten to absolute imports inside the package (scoring_client._generated....).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
out="$here/scoring_client/_generated"

googleapis=${1:-}
if [ -z "$googleapis" ]; then
  version=$(sed -n 's/.*Include="Google.Api.CommonProtos" Version="\([^"]*\)".*/\1/p' "$repo/Directory.Packages.props")
  packages=${NUGET_PACKAGES:-$HOME/.nuget/packages}
  if command -v dotnet >/dev/null; then
    packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: *//')
  fi
  googleapis="$packages/google.api.commonprotos/$version/content/protos"
fi
[ -f "$googleapis/google/api/annotations.proto" ] && googleapis=$(cd "$googleapis" && pwd) || {
  echo "generate.sh: no google/api/annotations.proto under '$googleapis' (restore the .NET solution first, or pass the folder)" >&2
  exit 2
}
plugin=$(command -v grpc_python_plugin) || { echo "generate.sh: grpc_python_plugin not found (apt-get install protobuf-compiler-grpc)" >&2; exit 2; }
command -v protoc >/dev/null || { echo "generate.sh: protoc not found (apt-get install protobuf-compiler)" >&2; exit 2; }

rm -rf "$out" && mkdir -p "$out"
protoc -I "$repo/protos" -I "$googleapis" --python_out="$out" \
  google/api/annotations.proto google/api/http.proto google/rpc/status.proto google/rpc/error_details.proto
(cd "$repo/protos" && protoc -I . -I "$googleapis" --python_out="$out" --grpc_out="$out" \
  --plugin=protoc-gen-grpc="$plugin" scoring/v1/*.proto)

# Packages for every generated folder, and imports that resolve inside scoring_client.
find "$out" -type d -exec touch {}/__init__.py \;
find "$out" -name '*.py' -exec sed -i -E \
  's/^from (scoring\.v1|google\.api|google\.rpc) import/from scoring_client._generated.\1 import/' {} +
echo "generated $(find "$out" -name '*_pb2*.py' | wc -l) modules into $out"
