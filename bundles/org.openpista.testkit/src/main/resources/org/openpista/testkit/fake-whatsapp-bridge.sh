#!/usr/bin/env bash
# A stand-in for the WhatsApp bridge speaking its JSON-lines protocol, driven by files in the
# session folder it is given (its only argument):
#   runs        how many times it was started (it counts itself)
#   start.N     lines to print at the N-th start (else: start); "@exit S" exits with status S,
#               "@sleep T" sleeps T seconds, "@copy SRC NAME" copies the file SRC of the session
#               folder to media-in/NAME (as the real bridge stores a downloaded medium), every
#               other line is printed as it is
#   commands    every command line received, appended
#   stopped     written when standard input closes (a clean exit)
#   when        lines "PATTERN<TAB>EVENT": after acknowledging a command whose line contains
#               PATTERN, EVENT is printed with {id} replaced by the id of the sent message (so a
#               test plays the user answering a message the channel sent, quoting it)
# A send or send_image command is acknowledged with a "sent" event carrying its ref and the id
# "ID<ref>", unless its text contains FAIL (then an "error" event with the ref) or CRASH (then it
# exits with status 1).
set -u
dir=$1
runs=$(( $(cat "$dir/runs" 2>/dev/null || echo 0) + 1 ))
echo "$runs" > "$dir/runs"
script="$dir/start.$runs"
[[ -f $script ]] || script="$dir/start"
if [[ -f $script ]]; then
    while IFS= read -r line || [[ -n $line ]]; do
        case $line in
            "@exit "*) exit "${line#@exit }" ;;
            "@sleep "*) sleep "${line#@sleep }" ;;
            "@copy "*)
                read -r _ src name <<<"$line"
                mkdir -p "$dir/media-in" && cp "$dir/$src" "$dir/media-in/$name" && chmod 600 "$dir/media-in/$name" ;;
            *) printf '%s\n' "$line" ;;
        esac
    done < "$script"
fi
echo "fake bridge run $runs ready" >&2
while IFS= read -r line; do
    printf '%s\n' "$line" >> "$dir/commands"
    ref=$(sed -n 's/.*"ref":"\([^"]*\)".*/\1/p' <<<"$line")
    case $line in
        *'"type":"send"'*CRASH*) echo "crashing on purpose" >&2; exit 1 ;;
        *'"type":"send"'*FAIL*) printf '{"type":"error","message":"cannot send: rate limited","ref":"%s"}\n' "$ref" ;;
        *'"type":"send"'*|*'"type":"send_image"'*) printf '{"type":"sent","to":"x","id":"ID%s","ref":"%s"}\n' "$ref" "$ref" ;;
    esac
    if [[ -f $dir/when ]]; then
        while IFS=$'\t' read -r pattern event || [[ -n $pattern ]]; do
            if [[ -n $pattern && $line == *"$pattern"* ]]; then
                printf '%s\n' "${event//\{id\}/ID$ref}"
            fi
        done < "$dir/when"
    fi
done
echo bye > "$dir/stopped"
exit 0
