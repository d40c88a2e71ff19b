# zsh-complete.zsh: what zsh's own completion system offers for a command
# line, one match a line. Runs an interactive zsh in a pseudo-terminal
# (zsh/zpty) with compinit and FPATHDIR first in fpath, types LINE and a
# TAB, and prints every match the completion functions add (compadd is
# wrapped to print them as they are added).
#   zsh -f tests/lib/zsh-complete.zsh FPATHDIR BINDIR LINE
zmodload zsh/zpty || exit 2
dir=$1 bindir=$2 input=$3
zpty z zsh -f -i
zpty -w z "PROMPT=''; RPROMPT=''; PATH=${(q)bindir}:\$PATH; fpath=(${(q)dir} \$fpath)"
zpty -w z 'autoload -Uz compinit; compinit -u -D'
zpty -w z 'compadd () {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
  typeset -a __hits; builtin compadd -A __hits "$@"
  local h; for h in $__hits; do print -r -- "<HIT>$h"; done
}'
zpty -w z "print -r -- '<READY>'"
zpty -r z out '*<READY>*' || exit 2
zpty -n -w z "$input"$'\t'
zpty -n -w z $'\C-u'"print -r -- '<DONE>'"$'\n'
while zpty -r z line; do
  [[ $line == *'<DONE>'* && $line != *print* ]] && break
  [[ $line == *'<HIT>'* ]] && print -r -- ${${line#*<HIT>}%%$'\r'*}
done
zpty -d z
