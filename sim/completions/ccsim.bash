# bash completion for ccsim. Installed as share/bash-completion/completions/ccsim; to try it
# from a checkout: source sim/completions/ccsim.bash
# The options are those of `ccsim <command> --help` (tests/scenario/cli_test.cpp checks it).
_ccsim() {
  local cur prev words cword
  _init_completion 2>/dev/null || {
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    words=("${COMP_WORDS[@]}")
    cword=$COMP_CWORD
  }
  local commands="run check fuzz merge shrink import help --help --version"
  if [[ $cword -eq 1 ]]; then
    COMPREPLY=($(compgen -W "$commands" -- "$cur"))
    return
  fi
  local profiles="1.0 1.1 1.2 1.4.0 1.4 2.5 3.0"
  case $prev in
    --profile) COMPREPLY=($(compgen -W "$profiles" -- "$cur")); return ;;
    --strategy) COMPREPLY=($(compgen -W "portfolio random pct pct: tie-window tie-window:" -- "$cur")); return ;;
    --out|-o|--save-failures)
      [[ ${words[1]} == import || ${words[1]} == shrink ]] && COMPREPLY=($(compgen -f -- "$cur")) \
        || COMPREPLY=($(compgen -d -- "$cur"))
      return ;;
    --chaincode-log) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --peer) return ;;
    --jsonl|--mermaid|--perfetto|--html|--report|--junit) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --seed|--runs|--jobs|-j|--shard|--check-determinism|--property) return ;;
  esac
  local opts
  case ${words[1]} in
    run) opts="--help --seed --profile --jsonl --mermaid --perfetto --html --quiet --summary" ;;
    check) opts="--help --profile" ;;
    fuzz) opts="--help --runs --seed --profile --jobs --oversubscribe --strategy --shard --out
                --report --junit --html --save-failures --no-shrink --check-determinism --quiet" ;;
    merge) opts="--help --report --junit" ;;
    shrink) opts="--help --property --out" ;;
    import) opts="--help --out --chaincode-log --profile --peer --explain" ;;
    *) return ;;
  esac
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
  elif [[ ${words[1]} == import ]]; then  # logs: any file
    COMPREPLY=($(compgen -f -- "$cur"))
  else  # scenarios (merge: reports), all JSON files, and directories to descend into
    COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur"))
  fi
}
complete -o filenames -F _ccsim ccsim
