# bash completion for promgate. Commands and options are read from
# promgate's own --help output, so completion cannot drift from the
# option tables.
_promgate() {
    local cur prev cmd words_help
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    if [ "$COMP_CWORD" -eq 1 ]; then
        words_help=$("${COMP_WORDS[0]}" --help 2>/dev/null |
            sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
        COMPREPLY=($(compgen -W "$words_help help" -- "$cur"))
        return
    fi
    cmd=${COMP_WORDS[1]}
    case $prev in
        --golden|--overlay|--baseline|-o|--output|--basic-auth-file|\
        --save-scrape|--report-dir|--profile|--from-docs|--flags-file)
            COMPREPLY=($(compgen -f -- "$cur"))
            return ;;
    esac
    if [[ $cur == -* ]]; then
        words_help=$("${COMP_WORDS[0]}" "$cmd" --help 2>/dev/null |
            grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
        COMPREPLY=($(compgen -W "$words_help" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -F _promgate promgate
