#!/usr/bin/env bash
# Fault tolerance's figures (docs/fault-tolerance.md), measured side by
# side in one run of this script on QEMU (SVM) pairs (scripts/pair.sh):
#   1. per guest, a plain run against the same guest on a pair (the
#      primary recording and streaming, the backup replaying, the output
#      rule holding the console): the primary's whole-run TSC cycles
#      against the plain run's (QEMU's TSC follows host time), the log's
#      bytes and bytes per guest second (hvlog summary of the log the
#      backup received), the console bytes held and the hold each output
#      waited (mean and max), and the backup's verdict;
#   2. TRIALS random kills of the primary (ticker reading the TSC 20 times
#      a tick, killed 0.3 to 2.9 s into its recording, with the witness):
#      how many runs the outside saw whole and as natively, how many lost
#      or changed output (a gap, a byte that differs from the native run),
#      how many contradicted a byte the primary had released, how many the
#      backup did not take over; the failover time (the primary's death to
#      the backup's going live, host ms: min, median, max), against
#      ft_timeout_ms;
#   3. TRIALS/10 random kills of the backup: the primary must run on
#      alone to the native end;
#   4. a resync per guest (timer, memloop, ticker): the backup's third
#      output comparison taken as differing (ft_inject_mismatch=3): where
#      it diverged and where the primary's checkpoint came, the
#      checkpoint's bytes and pages (of all), how long the primary's guest
#      waited for it, and the backup's wait from asking to applying it.
#   5. checkpoint mode (ft=checkpoint, epochs of 50 ms) per guest of 1.,
#      beside replay mode's log bandwidth from 1.: the epochs, the first
#      epoch's stun (all of RAM), the stun of the others (mean and max,
#      host us), their pages and bytes per epoch (mean), the checkpoint
#      stream's bytes per guest second, the hold each output waited
#      (mean: up to an epoch, then the backup's acknowledgement), and
#      whether the backup ended holding the primary's final state (the
#      same memory digest).
# A run that is not whole fails the bench at the end (after the tables).
#   test/bench/ft.sh [--trials N] [--no-kills]
# (trials: default 100, FT_TRIALS too; --no-kills: 1. and 5. only)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
hvlog=$root/build/tools/hvlog
trials=${FT_TRIALS:-100}
kills=1
KILL_GUEST=ticker KILL_ARGS="seconds=4 reads=20"
guests=(timer memloop nondet ticker)
declare -A args_of=([ticker]="seconds=4")

fail() {
	echo "FAIL: ft bench: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case "$1" in
	--trials) trials=$2; shift 2 ;;
	--no-kills) kills=""; shift ;;
	*) fail "unknown argument '$1'" ;;
	esac
done
[[ "$trials" =~ ^[0-9]+$ ]] && [ "$trials" -gt 0 ] || fail "--trials takes a positive number"
[ -s "$root/build/understudy.iso" ] || fail "build/understudy.iso is not built (make all)"
[ -x "$hvlog" ] || fail "$hvlog is not built (make all)"
[ -x "$root/build/tools/hvwitness" ] || fail "build/tools/hvwitness is not built (make all)"
for g in "${guests[@]}"; do
	[ -s "$root/build/guests/$g.elf" ] || fail "build/guests/$g.elf is not built (make guests)"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
kept=$root/build/test-results/ft_bench # the logs of runs that were not whole
rm -rf "$kept"
mkdir -p "$kept"
bad=0
declare -A log_bps=() # replay mode's log bytes per guest second (1.), for 5.

cycles() { sed -n 's/.*understudy: the run took \([0-9]*\) TSC cycles.*/\1/p' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", a / b; else print "-" }'; }

# --- 1. the cost of fault tolerance ------------------------------------------------

echo "== a pair against a plain run (QEMU, SVM) =="
printf '%-8s %14s %14s %6s %9s %10s %8s %10s %10s  %s\n' guest "plain cycles" "pair cycles" ratio \
	"log B" "log B/s" "held B" "hold avg" "hold max" "backup"
for g in "${guests[@]}"; do
	elf=$root/build/guests/$g.elf args=${args_of[$g]:-}
	"$root/scripts/run.sh" --emu qemu --guest "$elf" --guest-args "$args" >/dev/null 2>"$work/plain.log" || true
	rm -rf "$work/pair"
	"$root/scripts/pair.sh" --guest "$elf" --guest-args "$args" --logs "$work/pair" \
		>/dev/null 2>"$work/pair.err" || true
	plain=$(cycles "$work/plain.log")
	pair=$(cycles "$work/pair/primary.stderr")
	"$hvlog" summary "$work/pair/backup.rrlog" >"$work/summary" 2>&1 || true
	bytes=$(sed -n 's/^log bytes: \([0-9]*\) .*/\1/p' "$work/summary")
	secs=$(sed -n 's/^guest time: \([0-9.]*\) s.*/\1/p' "$work/summary")
	bps=$(awk -v b="${bytes:-0}" -v s="${secs:-0}" 'BEGIN { if (s > 0) printf "%.0f", b / s; else print "-" }')
	read -r held avg max < <(sed -n 's/^ft: output rule: \([0-9]*\) console bytes held.*hold \([0-9]*\) us on average, \([0-9]*\) us at most.*/\1 \2 \3/p' \
		"$work/pair/primary.stderr") || true
	verdict=$(grep -o -m1 -E 'replay (matches the recording|diverged.*)' "$work/pair.err" || echo "no verdict")
	case "$verdict" in "replay matches the recording") ;; *) bad=$((bad + 1)) ;; esac
	[ -n "$plain" ] && [ -n "$pair" ] && [ -n "$bytes" ] || {
		bad=$((bad + 1))
		verdict="$verdict (figures missing: see $g's run)"
	}
	log_bps[$g]=$bps
	printf '%-8s %14s %14s %6s %9s %10s %8s %8s us %7s us  %s\n' "$g" "${plain:--}" "${pair:--}" \
		"$(ratio "${pair:-0}" "${plain:-0}")" "${bytes:--}" "$bps" "${held:--}" "${avg:--}" \
		"${max:--}" "$verdict"
done

# --- 5. checkpoint mode beside replay mode ----------------------------------------------

# The epochs' figures of a checkpoint pair's primary log (its summary and
# its first epoch's line): epochs, the first's stun, the others' mean and
# max stun, pages and bytes per epoch after the first, and the stream's
# bytes per guest second.
epoch_figures() { # primary.stderr
	local first
	first=$(sed -n 's/^ft: epoch 1: stun [0-9]* us at guest time [0-9]* ms, \([0-9]*\) pages, \([0-9]*\) bytes$/\1 \2/p' "$1")
	sed -n 's/^ft: checkpoint mode: \([0-9]*\) epochs of [0-9]* ms, [0-9]* acknowledged; \([0-9]*\) pages, \([0-9]*\) bytes up to guest time \([0-9]*\) ms; stun \([0-9]*\) us for the first .*, then \([0-9]*\) us on average, \([0-9]*\) us at most.*/\1 \2 \3 \4 \5 \6 \7/p' "$1" |
		awk -v first="${first:-0 0}" '{ split(first, f, " "); n = $1 }
		     n >= 2 { printf "%d %d %d %d %.1f %.0f %.0f\n", n, $5, $6, $7, ($2 - f[1]) / (n - 1),
				     ($3 - f[2]) / (n - 1), ($4 > 0 ? $3 / ($4 / 1000) : 0); done = 1 }
		     END { if (!done) print "- - - - - - -" }'
}

checkpoint_mode() {
	local g elf args figures digests verdict hold
	echo
	echo "== checkpoint mode (ft=checkpoint, epochs of 50 ms) beside replay mode's log (1.) =="
	printf '%-8s %6s %11s %10s %10s %8s %9s %12s %10s %10s  %s\n' guest epochs "first stun" \
		"stun avg" "stun max" "pages/ep" "bytes/ep" "ckpt B/s" "log B/s" "hold avg" backup
	for g in "${guests[@]}"; do
		elf=$root/build/guests/$g.elf args=${args_of[$g]:-}
		rm -rf "$work/c"
		"$root/scripts/pair.sh" --guest "$elf" --guest-args "$args" --mode checkpoint \
			--logs "$work/c" >/dev/null 2>"$work/c.err" || true
		read -r epochs first avg max pages bytes bps < <(epoch_figures "$work/c/primary.stderr")
		hold=$(sed -n 's/^ft: output rule: .*hold \([0-9]*\) us on average.*/\1/p' "$work/c/primary.stderr")
		digests=$(sed -n 's/^\(primary\|backup\): ft: checkpoint: .*memory digest \([0-9a-f]*\)$/\2/p' \
			"$work/c.err" | sort -u | wc -l)
		verdict="holds the primary's final state"
		if [ "$digests" != 1 ] || [ "$epochs" = - ]; then
			verdict="not the primary's final state (see $kept/checkpoint_$g.err)"
			cp "$work/c.err" "$kept/checkpoint_$g.err"
			bad=$((bad + 1))
		fi
		printf '%-8s %6s %8s us %7s us %7s us %8s %9s %12s %10s %7s us  %s\n' "$g" "$epochs" \
			"$first" "$avg" "$max" "$pages" "$bytes" "$bps" "${log_bps[$g]:--}" "${hold:--}" \
			"$verdict"
	done
}

checkpoint_mode
if [ -z "$kills" ]; then
	[ "$bad" = 0 ] || fail "$bad runs were not whole (their logs are in $kept)"
	exit 0
fi

# --- 2. random kills of the primary ------------------------------------------------------

# One trial: the outcome word and the failover ms (or -).
kill_trial() { # n
	local n=$1 t summary out
	t=$(printf '%d.%d' $((RANDOM % 3)) $((RANDOM % 10)))
	case "$t" in 0.0 | 0.1 | 0.2) t=0.3 ;; esac
	rm -rf "$work/k"
	"$root/scripts/pair.sh" --guest "$root/build/guests/$KILL_GUEST.elf" --guest-args "$KILL_ARGS" \
		--witness --kill-primary-after "$t" --logs "$work/k" >"$work/k.out" 2>"$work/k.err" || true
	summary=$(sed -n 's/^pair.sh: //p' "$work/k.err" | tail -n 1)
	if ! grep -q 'the backup finished the run' <<<"$summary"; then
		out=no-takeover
	elif grep -q 'contradicts' <<<"$summary"; then
		out=contradicted
	elif ! "$root/test/system/compare_output.sh" "$work/native" "$work/k.out" >/dev/null 2>&1; then
		out=lost
	else
		out=whole
	fi
	[ "$out" = whole ] || cp -r "$work/k" "$kept/primary_kill_$n" 2>/dev/null || true
	echo "$out $(sed -n 's/.*the backup went live \([0-9]*\) ms later.*/\1/p' <<<"$summary") $t"
}

"$root/scripts/run_native.sh" "$root/build/guests/$KILL_GUEST.elf" --args "$KILL_ARGS" \
	--timeout 120 >"$work/native" 2>/dev/null || true
[ -s "$work/native" ] || fail "the native run of $KILL_GUEST printed nothing"
echo
echo "== $trials random kills of the primary ($KILL_GUEST $KILL_ARGS, with the witness, ft_timeout_ms=3000) =="
: >"$work/trials"
for n in $(seq 1 "$trials"); do
	kill_trial "$n" >>"$work/trials"
done
for o in whole lost contradicted no-takeover; do
	printf '%-13s %5d\n' "$o" "$(awk -v o="$o" '$1 == o' "$work/trials" | wc -l)"
done
sort -n -k2 "$work/trials" | awk '$1 == "whole" && $2 != "" { v[n++] = $2 }
	END { if (n) printf "failover (the primary killed -> the backup live): %d ms min, %d ms median, %d ms max over %d takeovers\n", v[0], v[int(n / 2)], v[n - 1], n;
	      else print "failover: no takeover measured" }'
bad=$((bad + $(awk '$1 != "whole"' "$work/trials" | wc -l)))

# --- 3. random kills of the backup --------------------------------------------------------

backups=$(((trials + 9) / 10))
echo
echo "== $backups random kills of the backup ($KILL_GUEST seconds=8) =="
"$root/scripts/run_native.sh" "$root/build/guests/$KILL_GUEST.elf" --args "seconds=8" \
	--timeout 120 >"$work/native8" 2>/dev/null || true
alone=0
for n in $(seq 1 "$backups"); do
	t=$(printf '%d.%d' $((RANDOM % 3)) $((RANDOM % 10)))
	case "$t" in 0.0 | 0.1 | 0.2) t=0.3 ;; esac
	rm -rf "$work/b"
	"$root/scripts/pair.sh" --guest "$root/build/guests/$KILL_GUEST.elf" --guest-args "seconds=8" \
		--kill-backup-after "$t" --logs "$work/b" >"$work/b.out" 2>"$work/b.err" || true
	if grep -q '^primary: warn: ft: the backup is lost' "$work/b.err" &&
		"$root/test/system/compare_output.sh" "$work/native8" "$work/b.out" >/dev/null 2>&1; then
		alone=$((alone + 1))
	else
		bad=$((bad + 1))
	fi
done
printf 'the primary ran on alone to the native end: %d of %d\n' "$alone" "$backups"

# --- 4. resyncs: a mismatch injected on the backup ---------------------------------------

echo
echo "== resyncs: the backup's 3rd output compared taken as differing (ft_inject_mismatch=3) =="
printf '%-8s %9s %11s %11s %12s %14s %12s  %s\n' guest diverged checkpoint "ckpt bytes" "pages sent" \
	"primary waited" "backup waited" verdict
for g in timer memloop ticker; do
	elf=$root/build/guests/$g.elf args=${args_of[$g]:-}
	rm -rf "$work/r"
	"$root/scripts/pair.sh" --guest "$elf" --guest-args "$args" --logs "$work/r" \
		--backup-options "ft_inject_mismatch=3" >/dev/null 2>"$work/r.err" || true
	read -r at from bytes pages total us < <(sed -n 's/^primary: ft: checkpoint for the backup at landmark \([0-9]*\) (it diverged at \([0-9]*\)): \([0-9]*\) bytes in the log, \([0-9]*\) of \([0-9]*\) pages .*the guest waited \([0-9]*\) us/\1 \2 \3 \4 \5 \6/p' \
		"$work/r.err" | head -n 1) || true
	ms=$(sed -n 's/^backup: ft: resynced from .*, \([0-9]*\) ms after the divergence.*/\1/p' "$work/r.err" | head -n 1)
	verdict=$(grep -o -m1 -E 'rr: replay (matches the recording|diverged.*)' "$work/r.err" || echo "no verdict")
	case "$verdict" in "rr: replay matches the recording") ;; *) bad=$((bad + 1)); cp "$work/r.err" "$kept/resync_$g.err" ;; esac
	[ -n "$at" ] && [ -n "$ms" ] || { bad=$((bad + 1)); verdict="$verdict (no resync: see $kept)"; cp "$work/r.err" "$kept/resync_$g.err"; }
	printf '%-8s %9s %11s %11s %12s %11s us %9s ms  %s\n' "$g" "${from:--}" "${at:--}" "${bytes:--}" \
		"${pages:--}/${total:--}" "${us:--}" "${ms:--}" "$verdict"
done

[ "$bad" = 0 ] || fail "$bad runs were not whole (the killed runs' logs are in $kept)"
