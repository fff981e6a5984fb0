# fish completion for apicred
#
# Enable: add `apicred completion fish | source` to ~/.config/fish/config.fish, or save this file
# as ~/.config/fish/completions/apicred.fish (system-wide: fish's vendor_completions.d folder).
#
# The candidates come from `apicred __complete <words...>`: one `value<TAB>description` per line,
# then a last line `:files` (complete file names) or `:values` (only the listed values).

function __apicred_complete
    # The words before the cursor (unescaped by -o), then the word being typed.
    set -l words (commandline -opc)
    set -l current (commandline -ct)
    set -l typed (string unescape -- $current)
    or set typed $current
    set -l lines (command $words[1] __complete $words[2..-1] "$typed" 2>/dev/null)
    set -q lines[1]; or return
    set -l directive $lines[-1]
    set -e lines[-1]
    for line in $lines
        printf '%s\n' $line
    end
    if test "$directive" = ":files"
        if string match -q -- '--*=*' $typed
            set -l flag (string replace -r '=.*' '=' -- $typed)
            __fish_complete_path (string replace -r '^[^=]*=' '' -- $typed) | string replace -r '^' -- $flag
        else
            __fish_complete_path $typed
        end
    end
end

complete -c apicred -f -a '(__apicred_complete)'
