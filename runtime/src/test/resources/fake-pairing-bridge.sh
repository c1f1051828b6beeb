#!/usr/bin/env bash
# A stand-in for the WhatsApp bridge for the pairing tests, speaking its JSON-lines protocol: it
# prints the files the test drops into its session folder (its only argument) as step.1, step.2,
# ... in that order, each as soon as it appears, so the test decides when a new QR code or the
# "connected" event comes. It leaves when its standard input closes, as the real bridge does.
set -u
dir=$1
n=1
while true; do
    if [[ -f "$dir/step.$n" ]]; then
        cat "$dir/step.$n"
        n=$((n + 1))
        continue
    fi
    read -r -t 0.1 line
    status=$?
    # 0: a command (ignored here); above 128: nothing within 0.1 s; anything else: end of input
    if (( status > 0 && status <= 128 )); then
        exit 0
    fi
done
