# zsh-complete.zsh: what zsh's own completion system offers for a command
# line, one match a line. Runs an interactive zsh in a pseudo-terminal
# (zsh/zpty) with compinit and FPATHDIR first in fpath, types LINE and a
# TAB, and prints every match the completion functions add (compadd is
# wrapped to print them as they are added) until TAB's widget says it is
# done (nothing is typed meanwhile: zle may cut a completion short when
# more input is waiting).
#   zsh -f tests/lib/zsh-complete.zsh FPATHDIR BINDIR LINE
# The markers are written split ('<PG-''READY>') so that the terminal's
# echo of a command never reads as its output, and LINE is typed only
# once the prompt shows: before that the terminal is not yet in zle's raw
# mode, and its line discipline would take the TAB.
zmodload zsh/zpty || exit 2
dir=$1 bindir=$2 input=$3
zpty z zsh -f -i
zpty -w z "PROMPT=''; RPROMPT=''; PATH=${(q)bindir}:\$PATH; fpath=(${(q)dir} \$fpath)
autoload -Uz compinit; compinit -u -D
compadd () {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd \"\$@\"; return; fi
  typeset -a hits; builtin compadd -A hits \"\$@\"
  local h; for h in \$hits; do print -r -- \"<PG-\"\"HIT>\$h\"; done
}
pg-tab () { zle complete-word; print -r -- \"<PG-\"\"END>\" }
zle -N pg-tab; bindkey '^I' pg-tab
PROMPT='<PG-''READY>'"
zpty -r z out '*<PG-READY>*' || exit 2
zpty -n -w z "$input"$'\t'
while zpty -r z line; do
  [[ $line == *'<PG-END>'* ]] && break
  [[ $line == *'<PG-HIT>'* ]] && print -r -- ${${line#*<PG-HIT>}%%$'\r'*}
done
zpty -d z
