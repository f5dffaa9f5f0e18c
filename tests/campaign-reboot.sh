#!/bin/bash
# tests/campaign-reboot.sh REPO_ROOT
#
# scripts/campaign --boot-method reboot (a one-shot boot entry and a reboot
# per boot) without rebooting anything: stub grub-reboot, bootctl, systemctl,
# reboot and kexec first in PATH record their arguments, and the system files
# the method reads and writes (/etc/default/grub, /boot/grub/grub.cfg,
# /boot/vmlinuz-*, /etc/systemd/system) live under GUPBENCH_SYSROOT, a temp
# folder. Checks the exact commands the campaign issues: GRUB (grub-reboot
# SUBMENU>ENTRY, systemctl reboot, the hook unit enabled and removed at the
# end) and systemd-boot (bootctl set-oneshot), the refusals (no --yes,
# GRUB_DEFAULT not saved, no boot loader, -a, -k: exit 2, one line, no command
# run), and that coming back in another kernel records the boot failed and
# sets the next one. The PATH has no sbin folder, so the host's own kexec
# and grub-reboot are never found. Runs in a few seconds.
# Exit: 0 passed, 1 failed, 2 bad usage, 77 skipped (reason printed).
set -uo pipefail
[ $# = 1 ] && [ -x "$1/scripts/campaign" ] || { echo "usage: $0 REPO_ROOT" >&2; exit 2; }
ROOT=$(cd "$1" && pwd)
skip() { echo "SKIP: $*"; echo "0 passed, 0 failed"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (the campaign refuses to reboot as another user)"
PY=$(command -v python3) || skip "python3 missing"
# campaign start runs compare-kernels --plan-only, which needs gupbench
G=${GUPBENCH:-$ROOT/build/gupbench}
[ -x "$G" ] || skip "$G missing: meson setup build && ninja -C build"
export GUPBENCH=$G
T=$(mktemp -d) && trap 'rm -rf "$T"' EXIT
P=0 F=0
check() { # NAME OK DETAIL
	if [ "$2" = 1 ]; then echo "PASS: $1"; P=$((P + 1)); else echo "FAIL: $1 ($3)"; F=$((F + 1)); fi
}
REL=6.12.117-gupbench
U=0f3c-uuid
mksys() { # DIR GRUB_DEFAULT
	mkdir -p "$1/etc/default" "$1/boot/grub" "$1/etc/systemd/system"
	echo "GRUB_DEFAULT=$2" >"$1/etc/default/grub"
	for v in baseline cond; do echo fake >"$1/boot/vmlinuz-$REL-$v"; done
	{
		echo "menuentry 'Debian GNU/Linux' --class debian \$menuentry_id_option 'gnulinux-simple-$U' {"
		echo "}"
		echo "submenu 'Advanced options for Debian GNU/Linux' \$menuentry_id_option 'gnulinux-advanced-$U' {"
		for v in baseline cond; do
			printf "\tmenuentry 'Debian GNU/Linux, with Linux %s-%s' --class debian \$menuentry_id_option 'gnulinux-%s-%s-advanced-%s' {\n\t}\n" "$REL" "$v" "$REL" "$v" "$U"
			printf "\tmenuentry 'Debian GNU/Linux, with Linux %s-%s (recovery mode)' \$menuentry_id_option 'gnulinux-%s-%s-recovery-%s' {\n\t}\n" "$REL" "$v" "$REL" "$v" "$U"
		done
		echo "}"
	} >"$1/boot/grub/grub.cfg"
}
mkstub() { # DIR NAME... : each records "NAME ARGS" in $T/calls, exit 0
	mkdir -p "$1"
	local d=$1 n; shift
	for n in "$@"; do
		printf '#!/bin/sh\necho "%s $*" >>%s/calls\n' "$n" "$T" >"$d/$n"
		[ "$n" = bootctl ] && cat >>"$d/$n" <<EOF
case "\$1" in
is-installed) [ -e $T/sdboot-installed ] && { echo yes; exit 0; }; echo no; exit 1 ;;
list) printf '[{"id":"mid-$REL-baseline.conf","version":"$REL-baseline"},{"id":"mid-$REL-cond.conf","version":"$REL-cond"}]\\n' ;;
esac
EOF
		echo 'exit 0' >>"$d/$n"
		chmod +x "$d/$n"
	done
}
mkstub "$T/grub" grub-reboot systemctl reboot kexec
mkstub "$T/sdboot" bootctl systemctl reboot kexec
mkstub "$T/none" bootctl systemctl reboot
mkstub "$T/grub-nokexec" grub-reboot systemctl reboot
BASEPATH=$(dirname "$PY"):/usr/bin:/bin
camp() { # STUBDIR SYSROOT ARGS...: stdout+stderr in $T/out, exit status
	local s=$1 r=$2; shift 2
	PATH=$T/$s:$BASEPATH GUPBENCH_SYSROOT=$r "$ROOT/scripts/campaign" "$@" >"$T/out" 2>&1
}
calls() { cat "$T/calls" 2>/dev/null; }
one_line_2() { # RC: exit 2, one line, no state change command
	[ "$1" = 2 ] && [ "$(wc -l <"$T/out")" = 1 ] && [ ! -s "$T/calls" ] && echo 1
}
OPTS=(-b 2 -s walk -r 1 -T 0.1 --seed 7)

# refusals (no state written, no command run)
mksys "$T/sys0" 0
camp grub "$T/sys0" start --boot-method reboot --no-boot -o "$T/c0" "${OPTS[@]}" baseline cond; rc=$?
check "GRUB_DEFAULT=0: refused, exit 2, one line" "$(one_line_2 $rc)$([ -e "$T/c0/campaign.json" ] && echo x)" "exit $rc: $(cat "$T/out")"
grep -q 'GRUB_DEFAULT=saved' "$T/out"; check "  ... and it names GRUB_DEFAULT=saved" "$([ $? = 0 ] && echo 1)" "$(cat "$T/out")"
mksys "$T/sys" saved
camp none "$T/sys" start --boot-method reboot --no-boot -o "$T/c1" "${OPTS[@]}" baseline cond; rc=$?
check "no boot loader (no grub-reboot, systemd-boot not installed): refused, exit 2, one line" \
	"$([ $rc = 2 ] && [ "$(wc -l <"$T/out")" = 1 ] && ! grep -qv '^bootctl is-installed' "$T/calls" && echo 1)" "exit $rc: $(cat "$T/out"); $(calls)"
rm -f "$T/calls"
camp grub "$T/sys" start --boot-method reboot --no-boot -o "$T/c1" -a isolcpus=3 "${OPTS[@]}" baseline cond; rc=$?
check "-a with --boot-method reboot: refused, exit 2, one line" "$(one_line_2 $rc)" "exit $rc: $(cat "$T/out")"
camp grub "$T/sys" start --boot-method reboot --no-boot -o "$T/c1" -k "cond=$T/sys/boot/vmlinuz-$REL-cond" "${OPTS[@]}" baseline cond; rc=$?
check "-k with --boot-method reboot: refused, exit 2, one line" "$(one_line_2 $rc)" "exit $rc: $(cat "$T/out")"
mv "$T/sys/boot/vmlinuz-$REL-cond" "$T/vmlinuz-cond"
camp grub "$T/sys" start --no-boot -o "$T/c1" "${OPTS[@]}" baseline cond; rc=$?
check "a variant not installed: refused, exit 2, one line" "$(one_line_2 $rc)" "exit $rc: $(cat "$T/out")"
mv "$T/vmlinuz-cond" "$T/sys/boot/vmlinuz-$REL-cond"

# auto: kexec if there is a kexec command and the running kernel has kexec
camp grub-nokexec "$T/sys" start --no-boot -o "$T/c3" "${OPTS[@]}" baseline cond; rc=$?
check "auto without a kexec command: reboot" \
	"$([ $rc = 0 ] && grep -q 'boot method reboot (grub) (auto: no kexec command' "$T/c3/log.txt" && echo 1)" \
	"exit $rc: $(grep 'boot method' "$T/c3/log.txt")"
rm -f "$T/calls"
camp grub "$T/sys" start --no-boot -o "$T/c4" "${OPTS[@]}" baseline cond; rc=$?
if [ -e /sys/kernel/kexec_loaded ]; then w='boot method kexec (auto: kexec usable)'
else w='boot method reboot (grub) (auto: the running kernel has no kexec'; fi
check "auto with kexec (stub) and $([ -e /sys/kernel/kexec_loaded ] || echo "no ")/sys/kernel/kexec_loaded: ${w#boot method }" \
	"$([ $rc = 0 ] && grep -qF "$w" "$T/c4/log.txt" && [ ! -s "$T/calls" ] && echo 1)" \
	"exit $rc: $(grep 'boot method' "$T/c4/log.txt")"

# GRUB: one boot per resume
C=$T/c1
camp grub "$T/sys" start --boot-method reboot --no-boot -o "$C" "${OPTS[@]}" baseline cond; rc=$?
check "start --boot-method reboot --no-boot: grub, nothing run" \
	"$([ $rc = 0 ] && grep -q 'boot method reboot (grub)$' "$C/log.txt" && [ ! -s "$T/calls" ] && echo 1)" \
	"exit $rc: $(tail -3 "$T/out")"
mapfile -t SETS < <(awk -F'\t' 'NR > 1 { print $3 }' "$C/boots.tsv")
entry() { echo "gnulinux-advanced-$U>gnulinux-$REL-$1-advanced-$U"; }
camp grub "$T/sys" resume "$C"; rc=$?
check "resume without --yes: refused, exit 2, one line, nothing run" "$(one_line_2 $rc)" "exit $rc: $(cat "$T/out"); $(calls)"
camp grub "$T/sys" resume --yes "$C"; rc=$?
want=$(printf '%s\n' "systemctl daemon-reload" "systemctl enable gupbench-campaign.service" \
	"grub-reboot $(entry "${SETS[0]}")" "systemctl reboot")
check "resume --yes: the hook unit enabled, grub-reboot boot 1's entry, systemctl reboot" \
	"$([ $rc = 0 ] && [ "$(calls)" = "$want" ] && echo 1)" "exit $rc; got: $(calls | tr '\n' ';') want: $(tr '\n' ';' <<<"$want")"
cp "$T/calls" "$T/calls-grub" 2>/dev/null
unit=$T/sys/etc/systemd/system/gupbench-campaign.service
check "the unit runs campaign resume DIR --hook" \
	"$(grep -qx "ExecStart=$ROOT/scripts/campaign resume $C --hook" "$unit" 2>/dev/null && echo 1)" "$(cat "$unit" 2>&1)"
check "boot 1 started, entry recorded" \
	"$(awk -F'\t' '$1 == 1 && $5 == "started" { f = 1 } END { exit !f }' "$C/boots.tsv" && grep -q "\"entry\": \"$(entry "${SETS[0]}")\"" "$C/campaign.json" && echo 1)" \
	"$(sed -n 2p "$C/boots.tsv")"
# the machine "comes back" in this host's kernel (not the planned one): the
# hook records boot 1 failed and sets boot 2; the unit is unchanged
rm -f "$T/calls"
camp grub "$T/sys" resume --hook "$C"; rc=$?
want=$(printf '%s\n' "grub-reboot $(entry "${SETS[1]}")" "systemctl reboot")
check "back in another kernel: boot 1 failed, grub-reboot boot 2's entry, systemctl reboot" \
	"$([ "$(calls)" = "$want" ] && awk -F'\t' '$1 == 1 && $5 == "failed" { f = 1 } END { exit !f }' "$C/boots.tsv" &&
		grep -q "came back in $(uname -r)" "$C/log.txt" && echo 1)" "exit $rc; got: $(calls | tr '\n' ';')"
# to the end: every boot failed the same way; no report (no results), the unit removed
for i in 3 4 5; do rm -f "$T/calls"; camp grub "$T/sys" resume --hook "$C"; rc=$?; done
check "end of the campaign: the hook unit disabled and removed, no reboot (not in a variant kernel)" \
	"$([ ! -e "$unit" ] && [ "$(calls)" = "$(printf '%s\n' "systemctl disable gupbench-campaign.service" "systemctl daemon-reload")" ] && echo 1)" \
	"exit $rc; got: $(calls | tr '\n' ';')"
camp grub "$T/sys" status "$C"; rc=$?
check "status shows the boot method" "$([ $rc = 0 ] && grep -q 'boot method reboot (grub)' "$T/out" && echo 1)" "$(head -1 "$T/out")"

# systemd-boot: bootctl set-oneshot ENTRY
touch "$T/sdboot-installed"
rm -f "$T/calls"
C=$T/c2
camp sdboot "$T/sys" start --boot-method reboot --no-boot -o "$C" "${OPTS[@]}" baseline cond; rc=$?
check "systemd-boot found (bootctl is-installed)" "$([ $rc = 0 ] && grep -q 'boot method reboot (systemd-boot)' "$C/log.txt" && echo 1)" "exit $rc: $(tail -2 "$T/out")"
s1=$(awk -F'\t' 'NR == 2 { print $3 }' "$C/boots.tsv")
rm -f "$T/calls"
camp sdboot "$T/sys" resume --yes "$C"; rc=$?
want=$(printf '%s\n' "systemctl daemon-reload" "systemctl enable gupbench-campaign.service" \
	"bootctl set-oneshot mid-$REL-$s1.conf" "systemctl reboot")
check "systemd-boot: bootctl set-oneshot boot 1's entry, systemctl reboot" \
	"$([ $rc = 0 ] && [ "$(grep -v -e '^bootctl is-installed' -e '^bootctl list' "$T/calls")" = "$want" ] && echo 1)" \
	"exit $rc; got: $(calls | tr '\n' ';')"
echo "commands of the GRUB campaign's resume --yes (its boot 1: ${SETS[0]}):"
sed 's/^/    /' "$T/calls-grub" 2>/dev/null
echo "$P passed, $F failed"
[ $F = 0 ]
