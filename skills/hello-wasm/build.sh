#!/usr/bin/env bash
# Builds hello-wasm.wasm with Debian's Rust toolchain and its wasm32-wasi standard library:
#   apt-get install rustc cargo libstd-rust-dev-wasm32
# No crates are downloaded. The built module is committed next to SKILL.md.
set -euo pipefail
cd "$(dirname "$0")"
cargo=${CARGO:-/usr/bin/cargo}
RUSTC=${RUSTC:-/usr/bin/rustc} "$cargo" build --offline --release --target wasm32-wasi
cp target/wasm32-wasi/release/hello_wasm.wasm hello-wasm.wasm
rm -rf target
ls -l hello-wasm.wasm
