#!/usr/bin/env bash
# Installs openpista for the current user from this unpacked release archive (or from the archive
# given): the files go to ~/.local/share/openpista (OPENPISTA_INSTALL_DIR), the command is linked as
# ~/.local/bin/openpista (OPENPISTA_BIN_DIR). An earlier installation is kept as a whole beside it
# (~/.local/share/openpista.previous, for 'openpista rollback'); the home (~/.openpista: config.toml,
# logins, conversations) is not touched here.
#   ./install.sh [openpista-VERSION-linux-x86_64.tar.gz]
#   ./install.sh --uninstall
set -euo pipefail

install_dir=${OPENPISTA_INSTALL_DIR:-$HOME/.local/share/openpista}
bin_dir=${OPENPISTA_BIN_DIR:-$HOME/.local/bin}
link="$bin_dir/openpista"

say() { printf 'install.sh: %s\n' "$*"; }
fail() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

uninstall() {
    [[ -e "$install_dir" || -L "$link" ]] || fail "openpista is not installed in $install_dir"
    if [[ -x "$install_dir/bin/openpista" ]] && "$install_dir/bin/openpista" service status >/dev/null 2>&1; then
        "$install_dir/bin/openpista" service uninstall || say "the service could not be removed; see 'openpista service status'"
    fi
    if [[ -L "$link" && "$(readlink "$link")" == "$install_dir/"* ]]; then
        rm -f "$link"
    fi
    # the links by which processes of these installations pinned their jars (PinnedJars), and only
    # theirs: another installation's may belong to a running daemon
    local jars_cache=${XDG_CACHE_HOME:-$HOME/.cache}/openpista/jars dir jar
    for dir in "$install_dir" "$install_dir.previous"; do
        [[ -d "$dir/bundles" && -d "$jars_cache" ]] || continue
        jar=$(find "$dir/bundles" -name '*.jar' -print -quit)
        [[ -n "$jar" ]] || continue
        find "$jars_cache" -mindepth 2 -maxdepth 2 -samefile "$jar" -printf '%h\0' | xargs -0 -r rm -rf
    done
    rm -rf "$install_dir" "$install_dir.previous"
    say "removed $install_dir and $link (your home with config.toml and conversations stays)"
}

case "${1:-}" in
    --uninstall) uninstall; exit 0 ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

source_dir=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
unpacked=""
if [[ -n "${1:-}" ]]; then
    [[ -f "$1" ]] || fail "no such archive: $1"
    unpacked=$(mktemp -d)
    trap 'rm -rf "$unpacked"' EXIT
    tar -xzf "$1" -C "$unpacked"
    source_dir=$(find "$unpacked" -mindepth 1 -maxdepth 1 -type d -name 'openpista-*' | head -1)
fi
[[ -x "$source_dir/bin/openpista" && -d "$source_dir/bundles" ]] || fail "$source_dir is no unpacked openpista release"
[[ "$source_dir" != "$install_dir" ]] || fail "already installed here: $install_dir"

# copy beside the old installation, then swap, so a failed copy leaves the old one working; the old one
# stays as $install_dir.previous (one version back), where 'openpista rollback' finds it
mkdir -p "$(dirname "$install_dir")" "$bin_dir"
next="$install_dir.new.$$"
rm -rf "$next"
cp -a "$source_dir" "$next"
kept=""
if [[ -e "$install_dir" ]]; then
    rm -rf "$install_dir.previous"
    mv "$install_dir" "$install_dir.previous"
    kept="$install_dir.previous"
fi
mv "$next" "$install_dir"
ln -sfn "$install_dir/bin/openpista" "$link"

say "installed $("$install_dir/bin/openpista" --version | head -1) in $install_dir"
if [[ -n "$kept" ]]; then
    say "the previous version stays in $kept: 'openpista upgrade --check' shows what changes, the first start"
    say "snapshots your home into ~/.openpista/backups/ before migrating it, 'openpista rollback' goes back"
fi
case ":$PATH:" in
    *":$bin_dir:"*) say "run: openpista --help" ;;
    *) say "$bin_dir is not on your PATH; add it (export PATH=\"$bin_dir:\$PATH\") or run $link" ;;
esac
if [[ -f "$HOME/.config/systemd/user/openpista.service" ]]; then
    say "the service runs the old version until: openpista service install (it restarts it)"
fi
