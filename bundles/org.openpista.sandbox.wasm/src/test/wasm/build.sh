#!/usr/bin/env bash
# Builds the test modules (src/test/resources/probe.wasm, a reactor with the openpista ABI, and
# command.wasm, a WASI command) with Debian's Rust toolchain:
#   apt-get install rustc cargo libstd-rust-dev-wasm32
set -euo pipefail
cd "$(dirname "$0")/probe"
RUSTC=${RUSTC:-/usr/bin/rustc} ${CARGO:-/usr/bin/cargo} build --offline --release --target wasm32-wasi
cp target/wasm32-wasi/release/probe.wasm ../../resources/probe.wasm
rm -rf target Cargo.lock
ls -l ../../resources/probe.wasm
cd ../command
RUSTC=${RUSTC:-/usr/bin/rustc} ${CARGO:-/usr/bin/cargo} build --offline --release --target wasm32-wasi
cp target/wasm32-wasi/release/command.wasm ../../resources/command.wasm
rm -rf target Cargo.lock
ls -l ../../resources/command.wasm
