#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A desk board keeps its login in the keyring (GNOME Keyring, on a session
# bus of this test's own): logged in once through the dialog, the board
# restarted during the shift is live again without asking; a token the
# server ended means asking again; Log Out ends the token on the server,
# empties the keyring and closes the board, and the next start asks.
set -euo pipefail

dozor=${1:?usage: board-keyring.sh PATH-TO-DOZOR}
test=board-keyring
# The secret service name is one per bus: other tests' buses stay out of it.
if [ -z "${DOZOR_TEST_OWN_BUS:-}" ]; then
  DOZOR_TEST_OWN_BUS=1 exec dbus-run-session -- "$0" "$@"
fi
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord sup:supervisor
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data

# GNOME Keyring with its files in $work, unlocked with a password of the
# test's, as a desktop session's login does.
mkdir -p "$work/keyring" && chmod 700 "$work/keyring"
exec {keyring_in}> >(HOME=$work XDG_RUNTIME_DIR=$work/keyring \
  exec gnome-keyring-daemon --foreground --unlock --components=secrets >"$work/keyring.log" 2>&1)
pids+=("$!")
printf 'keyring password' >&"$keyring_in"
exec {keyring_in}>&-
# Asked without starting anything: the board must find the daemon itself.
keyring_running() {
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'
}
for _ in $(seq 1 100); do
  keyring_running && break
  sleep 0.1
done
keyring_running || fail "GNOME Keyring did not start: $(cat "$work/keyring.log")"

kept_token() {
  secret-tool lookup xdg:schema kz.dozor.Board.Session backend "$url" 2>/dev/null || true
}

start_board() {
  "$dozor" --backend "$url" --center 43.2385,76.9460 --zoom 13 >"$work/board-$1.log" 2>&1 &
  board=$!
}

# log_in LOG: type the password (and the user, when asked) into the dialog.
log_in() {
  local dialog
  dialog=$(timeout 10 xdotool search --sync --onlyvisible --name '^Log in to ' | tail -n 1) ||
    fail "no login dialog on screen"
  xdotool windowraise "$dialog" windowfocus --sync "$dialog" || true
  sleep 0.5
  if [ "${2:-}" = with-user ]; then
    xdotool type --delay 40 "sup"
    sleep 0.2
    xdotool key Tab
    sleep 0.2
  fi
  xdotool type --delay 40 "correct horse battery"
  sleep 0.3
  xdotool key Return
  wait_for "$1" "Link state: live" 30
}

# --- Logged in once, kept -----------------------------------------------------

start_board 1
wait_for "$work/board-1.log" "Asking to log in" 30
log_in "$work/board-1.log" with-user
wait_for "$work/board-1.log" "Login kept in the keyring" 20
first=$(kept_token)
[ "${#first}" = 64 ] || fail "the keyring holds “$first”, not a 64-character token"
[ "$(curl -sf -H "Authorization: Bearer $first" "$url/api/v1/session" | jq -r .username)" = sup ] ||
  fail "the kept token is not sup's on the server"
ok "logged in through the dialog; the keyring holds sup's token"

stop_board
start_board 2
wait_for "$work/board-2.log" "Link state: live" 30
grep -q "Asking to log in" "$work/board-2.log" && fail "asked for the password with a token in the keyring"
grep -q "with the token kept in the keyring" "$work/board-2.log" || fail "live, but not with the kept token"
# Commands go out under that user: a dispatch needs the supervisor's role.
wait_for "$work/board-2.log" "Role: supervisor" 10
ok "restarted, the board is live at once as sup, without asking"

# --- The server ended the session -------------------------------------------

stop_board
"$DOZORCTL" --db "$work/dozord.sqlite" token revoke sup >/dev/null
start_board 3
wait_for "$work/board-3.log" "Asking to log in: The saved login has ended" 30
log_in "$work/board-3.log"
wait_for "$work/board-3.log" "Login kept in the keyring" 20
second=$(kept_token)
[ "${#second}" = 64 ] && [ "$second" != "$first" ] || fail "the keyring still holds the revoked token"
ok "a revoked token asks for the password again, and the new token is kept"

# --- Log out ----------------------------------------------------------------

focus_window "Dozor" >/dev/null
xdotool key F10
sleep 0.8
# The main menu's last items: Log Out…, Quit.
xdotool key Up Up Return
sleep 1
dialog=$(timeout 10 xdotool search --sync --onlyvisible --name '^Log out sup' | tail -n 1) ||
  fail "no logout question on screen"
xdotool windowraise "$dialog" windowfocus --sync "$dialog" || true
sleep 0.5
import -window root "$work/logout.png"
xdotool key alt+l
for _ in $(seq 1 100); do
  kill -0 "$board" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$board" 2>/dev/null && fail "the board did not close after logging out"
wait "$board" 2>/dev/null || true
board=
grep -q "Logged out" "$work/board-3.log" || fail "the board closed without logging out"
[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $second" "$url/api/v1/session")" = 401 ] ||
  fail "the token still works on the server after logging out"
[ -z "$(kept_token)" ] || fail "the keyring still holds a token after logging out"
ok "Log Out ends the token on the server, empties the keyring and closes the board"

start_board 4
wait_for "$work/board-4.log" "Asking to log in" 30
ok "after logging out the next start asks who is on duty"
echo "1..$n"
