# tui/completion/pipetop.bash: bash completion for pipetop: commands, options, pipeline names
# (rerun) and table names (schema, history), the names read from the history database by the
# hidden `pipetop __complete pipelines|tables`. Installed by `make install`.
# shellcheck disable=SC2207 # COMPREPLY=($(compgen ...)): the usual idiom, words split on purpose

_pipetop_names() { # what: pipelines | tables; passes --db/--config given on the line
    local args=() i
    for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
        case ${COMP_WORDS[i]} in
        --db | --config) args+=("${COMP_WORDS[i]}" "${COMP_WORDS[i + 1]}") ;;
        --db=* | --config=*) args+=("${COMP_WORDS[i]}") ;;
        esac
    done
    "${COMP_WORDS[0]}" "${args[@]}" __complete "$1" 2>/dev/null
}

_pipetop() {
    local cur prev cmd="" sub="" i w
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    local globals="--config --db --read-only --json --no-color --help --version"
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
        --db | --config) ((i++)) ;;
        -*) ;;
        *) if [[ -z $cmd ]]; then cmd=$w; elif [[ $cmd == schema && -z $sub ]]; then sub=$w; fi ;;
        esac
    done
    case $prev in
    --db | --config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --stage) COMPREPLY=($(compgen -W "export transfer query" -- "$cur")); return ;;
    --format) COMPREPLY=($(compgen -W "bq-json terraform sql" -- "$cur")); return ;;
    --days | --limit | --date | --to | --since | --export) return ;;
    esac
    local opts=""
    case $cmd in
    "") COMPREPLY=($(compgen -W "$(${COMP_WORDS[0]} __complete commands 2>/dev/null) $globals" \
        -- "$cur")); return ;;
    status) opts="--days --offline --json" ;;
    runs) opts="--failed --since --json" ;;
    tables | audit | doctor | info) opts="--json" ;;
    calls) opts="--limit --json" ;;
    history) opts="--json" ;;
    rerun) opts="--date --to --stage --all --dry-run --yes --abandon" ;;
    actions) opts="--all" ;;
    schema)
        case $sub in
        refresh) opts="--from-export --apply --yes" ;;
        infer) opts="--export --format"; COMPREPLY=($(compgen -f -- "$cur")) ;;
        "") opts="--json refresh infer" ;;
        *) opts="--json" ;;
        esac ;;
    help) COMPREPLY=($(compgen -W "$(${COMP_WORDS[0]} __complete commands 2>/dev/null)" \
        -- "$cur")); return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts --config --db --read-only --no-color --help" -- "$cur"))
        return
    fi
    case $cmd in
    rerun) [[ $prev == rerun ]] && COMPREPLY=($(compgen -W "$(_pipetop_names pipelines)" -- "$cur")) ;;
    schema | history)
        if [[ $cmd == schema && -z $sub ]] || [[ $prev == refresh || $prev == history ]]; then
            COMPREPLY+=($(compgen -W "$(_pipetop_names tables) ${opts//--*/}" -- "$cur"))
        fi ;;
    esac
}
complete -F _pipetop pipetop
