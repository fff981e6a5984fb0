# bash completion for apicred                                  -*- shell-script -*-
#
# Enable: add `source <(apicred completion bash)` to ~/.bashrc, or save this file as
# /usr/share/bash-completion/completions/apicred (bash-completion loads it on first use).
#
# The candidates come from `apicred __complete <words...>`: one `value<TAB>description` per line,
# then a last line `:files` (complete file names) or `:values` (only the listed values).

# Removes the shell quoting from a word as typed: sets REPLY, and __apicred_quote to the quote
# still open at its end ('' when none).
__apicred_dequote() {
    local word=$1 out="" quote="" c i
    for ((i = 0; i < ${#word}; i++)); do
        c=${word:i:1}
        if [[ $quote == "'" ]]; then
            if [[ $c == "'" ]]; then quote=""; else out+=$c; fi
        elif [[ $quote == '"' ]]; then
            if [[ $c == '"' ]]; then
                quote=""
            elif [[ $c == '\' && $((i + 1)) -lt ${#word} && ${word:i+1:1} == [\"\\\$\`] ]]; then
                ((i++))
                out+=${word:i:1}
            else
                out+=$c
            fi
        else
            case $c in
                "'" | '"') quote=$c ;;
                '\') ((i++)); out+=${word:i:1} ;;
                *) out+=$c ;;
            esac
        fi
    done
    REPLY=$out
    __apicred_quote=$quote
}

_apicred() {
    local cur words cword
    if declare -F _get_comp_words_by_ref >/dev/null 2>&1; then
        # Keep `--flag=value` and `Category:*` whole (bash splits words at = and :).
        _get_comp_words_by_ref -n =: -c cur -w words -i cword
    else
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${COMP_WORDS[COMP_CWORD]:0:COMP_POINT}
    fi

    local -a args=()
    local i REPLY __apicred_quote
    for ((i = 1; i < cword; i++)); do
        __apicred_dequote "${words[i]}"
        args+=("$REPLY")
    done
    __apicred_dequote "$cur"
    args+=("$REPLY")
    local quote=$__apicred_quote

    local -a lines
    mapfile -t lines < <(command "${words[0]}" __complete "${args[@]}" 2>/dev/null)
    local count=${#lines[@]}
    ((count > 0)) || return 0
    local directive=${lines[count - 1]}
    unset 'lines[count-1]'

    # Readline replaces only the part of the word after the last = or : (when they break words),
    # so that part is cut from each candidate. By length, ignoring case: catalog names match in any
    # case, so `billing:` is answered with `Billing:*`, of which readline must get `*` alone.
    local trim="" typed=${args[${#args[@]} - 1]}
    if [[ $COMP_WORDBREAKS == *=* && $COMP_WORDBREAKS == *:* && $typed == *[=:]* ]]; then
        trim=${typed%"${typed##*[=:]}"}
    fi

    COMPREPLY=()
    local line value head
    for line in "${lines[@]}"; do
        value=${line%%$'\t'*}
        if [[ -n $trim ]]; then
            head=${value:0:${#trim}}
            [[ ${head,,} == "${trim,,}" ]] && value=${value:${#trim}}
        fi
        if [[ -z $quote ]]; then
            printf -v value '%q' "$value"
            value=${value//\\,/,} # a comma needs no quoting: keep `a,b` lists readable
        fi
        COMPREPLY+=("$value")
    done

    if [[ $directive == ":files" ]]; then
        local saved=$cur
        [[ $cur == --*=* ]] && cur=${cur#*=}
        if declare -F _filedir >/dev/null 2>&1; then
            _filedir
        else
            compopt -o filenames 2>/dev/null
            local IFS=$'\n'
            COMPREPLY+=($(compgen -f -- "$cur"))
        fi
        cur=$saved
    fi
    return 0
}

complete -F _apicred apicred
