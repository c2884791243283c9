#!/usr/bin/env bash
# Install code-server from the npm registry without its postinstall downloads (which fetch
# prebuilt binaries from GitHub and fail on a machine that only reaches package registries):
# native modules are compiled from source against this Node, ripgrep comes from Debian.
# Usage: e2e/install-code-server.sh DIR   (needs Node 20, build-essential, libkrb5-dev,
# libx11-dev, libxkbfile-dev, libsecret-1-dev, pkg-config, python3, ripgrep)
set -euo pipefail
VERSION="${CODE_SERVER_VERSION:-4.100.3}"  # the last release that runs on Node 20
DIR="${1:?usage: install-code-server.sh DIR}"
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
