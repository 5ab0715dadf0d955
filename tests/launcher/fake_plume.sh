#!/usr/bin/env bash
# A stand-in for rank 0 behind plume-launcher (the launcher channel of
# ranks/frontend/launcher_protocol.h), so launcher_test.sh can make announcements, progress and
# prompts arrive exactly when it wants: it waits for files the test creates, never for time.
#   fake_plume.sh DIR     every received line is appended to DIR/received
# Lines: "BG" -> prompt, then once DIR/go exists "[1] completed: 5 rows" and the prompt again;
# "SPLIT" -> "row tw", the prompt, then once DIR/go exists "o end" (the same line) and a line;
# "RUN" -> a progress bar until DIR/go exists (then "5 rows | 1 chunk") or a Ctrl-C line comes
# (then "Error: statement cancelled ..."), and the prompt; a line other than Ctrl-C received
# while it runs is recorded as "early: LINE";
# an unfinished line (no ';' and not a meta command) -> the continuation prompt.
dir=$1
frame() { printf '\033]plume;%s;%s\a' "$1" "$2"; }
prompt=main
show_prompt() {
  if [[ $prompt == main ]]; then frame prompt "plume> "; else frame prompt "   ...> "; fi
}
wait_go() {
  until [[ -e $dir/go ]]; do sleep 0.05; done
  rm -f "$dir/go"
}
frame words 'measurements site_name site_id sum SELECT FROM \output \timing'
echo "fake plume: banner"
show_prompt
while IFS= read -r line; do
  printf '%s\n' "$line" >>"$dir/received"
  case $line in
    $'\003')
      echo "fake: interrupt at the prompt"
      prompt=main ;;
    $'\033]plume;columns;'*) continue ;;  # no prompt for a columns line
    BG)
      show_prompt
      wait_go
      echo "[1] completed: 5 rows | 1 chunk | 0.01 s" ;;
    SPLIT)  # a result line cut by a prompt frame (rank 0's writer thread and main thread)
      printf 'row one\nrow tw'
      show_prompt
      wait_go
      printf 'o end\nrow three\n' ;;
    RUN)  # reads on while it runs, as rank 0 does: only Ctrl-C should come (type-ahead waits)
      result='5 rows | 1 chunk | 0.20 s'
      while [[ ! -e $dir/go ]]; do
        printf '\r[#####.....]  50.0%% | rows 5'
        if IFS= read -r -t 0.05 early; then
          if [[ $early == $'\003' ]]; then
            printf '%s\n' "$early" >>"$dir/received"
            result='Error: statement cancelled: cancelled by user (Ctrl-C)'
            break
          fi
          printf 'early: %s\n' "$early" >>"$dir/received"
        fi
      done
      rm -f "$dir/go"
      printf '\r\033[K%s\n' "$result" ;;
    \\*) echo "fake: meta $line" ;;
    *\;) echo "got: $line"; prompt=main ;;
    "") ;;
    *) prompt=cont ;;
  esac
  show_prompt
done
echo "fake: end of input"
