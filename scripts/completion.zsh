#compdef promgate
# zsh completion for promgate. Commands and options are read from
# promgate's own --help output, as scripts/completion.bash does, so
# completion cannot drift from the option tables. Installed as
# share/zsh/vendor-completions/_promgate.

# 'PROG --help' commands as name:description.
_promgate_commands() {
    local -a cmds
    cmds=(${(f)"$(_call_program commands $1 --help 2>/dev/null |
        sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\)  *\(.*\)/\1:\2/p')"})
    _describe -t commands 'promgate command' cmds
}

# 'PROG CMD --help' as _arguments specs, one a line: an option with
# its description (continuation lines joined), and for one that takes a
# value, what completes it: the listed choices, files, or directories.
_promgate_specs() {
    $1 $2 --help 2>/dev/null | awk '
    function flush(  i, n, names, value, action, d) {
        if (spec == "") return
        d = desc; gsub(/[\[\]\\]/, "", d); sub(/^ +/, "", d)
        value = spec; sub(/^ *(-[A-Za-z], )?--[a-z0-9-]+ ?/, "", value)
        n = split(spec, names, /[ ,]+/)
        label = value; gsub(/[\[\]:\\\047]/, "", label)
        if (value == "") action = ""
        else if (value ~ /^[a-z0-9-]+(\|[a-z0-9-]+)+$/) {
            gsub(/\|/, " ", value); action = ":" label ":(" value ")"
        } else if (value ~ /DIR/) action = ":" label ":_files -/"
        else if (value ~ /FILE|GOLDEN/) action = ":" label ":_files"
        else if (value ~ /URL/) action = ":" label ":_urls"
        else action = ":" label ": "
        for (i = 1; i <= n; i++) {
            if (names[i] ~ /^--[a-z0-9-]+$/)
                print names[i] (action == "" ? "" : "=") "[" d "]" action
            else if (names[i] ~ /^-[A-Za-z]$/)
                print names[i] (action == "" ? "" : "+") "[" d "]" action
        }
        spec = ""; desc = ""
    }
    /^  (-[A-Za-z], )?--[a-z]/ {
        flush()
        line = $0; sub(/^  /, "", line)
        if (match(line, /  +/)) {
            spec = substr(line, 1, RSTART - 1)
            desc = substr(line, RSTART + RLENGTH)
        } else { spec = line; desc = "" }
        next
    }
    /^                    +[^ ]/ && spec != "" {
        line = $0; sub(/^ +/, "", line); desc = desc " " line; next
    }
    { flush() }
    END { flush() }'
}

_promgate() {
    local curcontext=$curcontext state line prog=$words[1]
    local -a specs
    _arguments -C '1:command:->command' '*::argument:->argument'
    case $state in
    command) _promgate_commands $prog ;;
    argument)
        case $words[1] in
        help) (( CURRENT == 2 )) && _promgate_commands $prog ;;
        version) ;;
        *)
            specs=(${(f)"$(_promgate_specs $prog $words[1])"})
            _arguments -S $specs '*:input:_files' ;;
        esac ;;
    esac
}

_promgate "$@"
