#!/usr/bin/env bash
# Install code-server from the npm registry without its postinstall downloads (which fetch
# prebuilt binaries from GitHub and fail on a machine that only reaches package registries):
# native modules are compiled from source against this Node, ripgrep comes from Debian.
# Usage: e2e/install-code-server.sh DIR
# Needs Node 20 and the Debian packages in PACKAGES below; as root it installs the missing ones
# with apt-get, otherwise it names them and stops.
set -euo pipefail
VERSION="${CODE_SERVER_VERSION:-4.100.3}"  # the last release that runs on Node 20
DIR="${1:?usage: install-code-server.sh DIR}"

# Compilers and headers for the native modules node-gyp builds (argon2, kerberos, native-keymap,
# node-pty, @parcel/watcher, @vscode/spdlog, the keychain), Python for node-gyp itself, and
# ripgrep for the editor's search.
PACKAGES=(build-essential python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian packages: ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" \
      || { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"; }
  else
    echo "code-server needs these Debian packages: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" != 20 ]; then
  echo "code-server $VERSION builds against Node 20; this is Node $(node --version)" >&2
  exit 1
fi

export npm_config_unsafe_perm=true npm_config_audit=false npm_config_fund=false npm_config_yes=true
mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || echo '{"name":"code-server-e2e","private":true}' > package.json
npm install --no-save --ignore-scripts "code-server@$VERSION"
npm rebuild argon2 --foreground-scripts

cd node_modules/code-server/lib/vscode
npm install --omit=dev --ignore-scripts
npm rebuild @parcel/watcher @vscode/spdlog kerberos native-watchdog node-pty --foreground-scripts
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
rm -rf node_modules.asar && ln -s node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
cd extensions
npm install --omit=dev --ignore-scripts
echo "code-server $VERSION installed in $DIR"
