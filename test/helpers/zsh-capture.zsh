#!/usr/bin/env zsh
# Prints the matches real zsh completion offers for a command line: zsh-capture-completion's way.
# Usage: zsh -f zsh-capture.zsh <completion script> '<line to complete>'
# An interactive zsh runs in a pty (zpty) with compinit and the script loaded; compadd is wrapped
# to print each match (value, then " -- description" when there is one) between two NUL lines.
zmodload zsh/zpty || { print -u2 'missing module zsh/zpty'; exit 1 }
script=$1
line=$2
zpty z zsh -f -i
local out
setopt rcquotes
init=$(mktemp)
cat > $init <<INIT
PROMPT=
autoload -U compinit
compinit -u -D
source ${(q)script}
bindkey '^M' undefined
bindkey '^J' undefined
bindkey '^I' complete-word
null-line () { echo -E - \$'\0' }
compprefuncs=( null-line )
comppostfuncs=( null-line exit )
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
zstyle ':completion:*' list-separator ''
compadd () {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
    builtin compadd "\$@"
    return \$?
  fi
  typeset -a __hits __dscr __tmp
  if (( \$@[(I)-d] )); then
    __tmp=\${@[\$[\${@[(i)-d]}+1]]}
    if [[ \$__tmp == \(* ]]; then eval "__dscr=\$__tmp"; else __dscr=( "\${(@P)__tmp}" ); fi
  fi
  builtin compadd -A __hits -D __dscr "\$@"
  setopt localoptions norcexpandparam extendedglob
  [[ -n \$__hits ]] || return
  local dscr i
  for i in {1..\$#__hits}; do
    (( \$#__dscr >= \$i )) && dscr=" -- \${\${__dscr[\$i]}##\$__hits[\$i] #}" || dscr=
    echo -E - "\$IPREFIX\$__hits[\$i]\$dscr"
  done
}
echo ok
INIT
zpty -w z "source ${(q)init}"
repeat 8; do
  zpty -r z out
  [[ $out == ok* ]] && break
done
rm -f $init
zpty -w z "$line"$'\t'
integer tog=0
# Read until the shell exits (comppostfuncs ends it); print what lies between the two NUL lines.
while zpty -r z; do :; done | while IFS= read -r out; do
  if [[ $out == *$'\0'* ]]; then
    (( tog++ )) && exit 0 || continue
  fi
  (( tog )) && print -r -- "${out%$'\r'}"
done
exit 0
