#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# A wall monitor that shows the figures, the incident board and the ticker
# (docs/wall.md, shows = grid) on a constructed situation: the figures on
# screen are what the backend's snapshot says, counted here from the
# snapshot itself; the incident board lists the open incidents, the most
# urgent first; the ticker tells a dispatch and an arrival in words. In
# English, Russian and Kazakh, every label on the wall is whole inside its
# window and its cell (the Russian figures once ran off the monitor's
# right edge): the board names any that is not when sent SIGUSR1.
set -euo pipefail

dozor=${1:?usage: board-wall-views.sh PATH-TO-DOZOR}
test=board-wall-views
# shellcheck source=board-test.sh
. "$(dirname "$0")/board-test.sh"

start_dozord admin:admin wall:wall
token=$(token admin)
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache XDG_DATA_HOME=$work/data

api() { # METHOD PATH BODY [KEY]
  curl -sf -X "$1" "$url/api/v1/$2" -H "Authorization: Bearer $token" ${4:+-H "Idempotency-Key: $4"} -d "$3"
}

# Five cars: three with a fix now, one whose fix is ten minutes old, one
# that never sent one; one of the fresh ones goes off duty.
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
old=$(date -u -d '10 minutes ago' +%Y-%m-%dT%H:%M:%SZ)
units=()
for i in 1 2 3 4 5; do
  id=$(api POST units "{\"call_sign\":\"Барыс-1$i\",\"kind\":\"car\"}" "unit-$i" | jq -r .id)
  [ -n "$id" ] && [ "$id" != null ] || fail "unit $i was not made"
  units+=("$id")
done
fixes=$(jq -cn --arg now "$now" --arg old "$old" --arg a "${units[0]}" --arg b "${units[1]}" --arg c "${units[2]}" \
  --arg d "${units[3]}" '{positions: [
    {unit_id: $a, lat: 43.2385, lon: 76.9460, time: $now}, {unit_id: $b, lat: 43.2400, lon: 76.9400, time: $now},
    {unit_id: $c, lat: 43.2300, lon: 76.9500, time: $now}, {unit_id: $d, lat: 43.2500, lon: 76.9300, time: $old}]}')
curl -sf -X POST "$url/api/v1/positions" -H "Authorization: Bearer $(token admin)" -d "$fixes" >/dev/null \
  || fail "the fixes were refused"
version=$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $token" |
  jq -r --arg u "${units[2]}" '.units[] | select(.id == $u) | .version')
curl -sf -X PATCH "$url/api/v1/units/${units[2]}" -H "Authorization: Bearer $token" -H "If-Match: $version" \
  -d '{"status":"off_duty"}' >/dev/null || fail "the unit could not go off duty"

# Three incidents: a robbery (priority 1), a theft (3) and an accident (2).
robbery=$(api POST incidents '{"type":"robbery","priority":1,"address":"пр. Абая, 10","location":{"lat":43.2389,"lon":76.9453}}' inc-1 | jq -r .id)
api POST incidents '{"type":"theft","priority":3,"address":"ул. Толе би, 5","location":{"lat":43.2500,"lon":76.9300}}' inc-2 >/dev/null
accident=$(api POST incidents '{"type":"traffic_accident","priority":2,"location":{"lat":43.2300,"lon":76.9000}}' inc-3 | jq -r .id)

cat >"$work/wall.conf" <<EOF
[wall]
backend = $url
credentials = wall.credentials
distance_m = 4

[monitor main]
connector = screen
index = 0
shows = grid
grid = figures,incidents;ticker
# A 75-inch panel: 1 px per mm on this test's 1600 x 1000 screen.
width_mm = 1600
height_mm = 1000
EOF

"$dozor" --wall --wall-config "$work/wall.conf" >"$work/board.log" 2>&1 &
board=$!
wait_for "$work/board.log" "Wall monitor main: window on" 30
wait_for "$work/board.log" "Link state: live" 30
# The three fresh cars report again, now: under load the units, the
# incidents and the wall's start took more than the 60 s after which
# their first fixes were stale, and the wall rightly counted them so
# (seen at a load average of 45). The figures below are read within 60 s
# of this.
fixes=$(jq -c --arg now "$(date -u +%Y-%m-%dT%H:%M:%SZ)" '.positions |= map(select(.time != $old_time) | .time = $now)' \
  --arg old_time "$old" <<<"$fixes")
curl -sf -X POST "$url/api/v1/positions" -H "Authorization: Bearer $(token admin)" -d "$fixes" >/dev/null \
  || fail "the fixes were refused"

# expected: the figures as the snapshot gives them, counted with jq the way
# docs/wall.md defines them (a fix older than 60 s is stale; off duty is
# not counted; unassigned is an incident no unit was sent to).
expected() {
  curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $token" | jq -r --argjson now "$(date +%s)" '
    def fresh: .position != null and ($now - (.position.time | sub("\\.[0-9]+"; "") | fromdateiso8601) <= 60);
    [.units[] | select(.status != "off_duty")] as $on
    | ($on | map(select(fresh))) as $live
    | .incidents as $inc
    | "available \($live | map(select(.status == "available")) | length), dispatched \($live | map(select(.status == "dispatched")) | length), en route \($live | map(select(.status == "en_route")) | length), on scene \($live | map(select(.status == "on_scene")) | length), busy \($live | map(select(.status == "busy")) | length), stale \(($on | length) - ($live | length)); open \($inc | length) (P1 \($inc | map(select(.priority == 1)) | length), P2 \($inc | map(select(.priority == 2)) | length), P3 \($inc | map(select(.priority == 3)) | length), P4 \($inc | map(select(.priority == 4)) | length)); unassigned \($inc | map(select(.status == "new")) | length)"'
}

figures_match() { # wait until the last figures line says what the snapshot says
  local want="" got=""
  for _ in $(seq 1 100); do
    want=$(expected)
    got=$(grep "Wall figures: available" "$work/board.log" | tail -n 1 | sed 's/.*Wall figures: //; s/, oldest.*//')
    [ "$got" = "$want" ] && return 0
    sleep 0.2
  done
  fail "the wall's figures say “$got”, the snapshot “$want”"
}
figures_match
ok "the figures equal the snapshot's: $(expected)"
grep "Wall figures: available" "$work/board.log" | tail -n 1 |
  grep -q "available 2, dispatched 0, en route 0, on scene 0, busy 0, stale 2; open 3 (P1 1, P2 1, P3 1, P4 0); unassigned 3" ||
  fail "the constructed situation is not what the test built: $(grep "Wall figures:" "$work/board.log" | tail -n 1)"
ok "and they are the constructed situation's: 2 available, 2 stale, 3 open (one each of P1–P3), 3 unassigned"

# The incident board: most urgent first.
wait_for "$work/board.log" "Wall incidents: P1 robbery; P2 traffic_accident; P3 theft; 3 open, 0 late" 20
ok "the incident board lists P1 robbery, P2 accident, P3 theft"

# A dispatch and an arrival: the ticker says both, the figures follow.
dispatch=$(api POST dispatches "{\"unit_id\":\"${units[0]}\",\"incident_id\":\"$robbery\"}" disp-1 | jq -r .id)
[ -n "$dispatch" ] && [ "$dispatch" != null ] || fail "the dispatch was refused"
wait_for "$work/board.log" "Wall ticker: [0-9][0-9]:[0-9][0-9] Барыс-11 dispatched — Robbery, пр. Абая, 10" 10
version=$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $token" |
  jq -r --arg u "${units[0]}" '.units[] | select(.id == $u) | .version')
curl -sf -X PATCH "$url/api/v1/units/${units[0]}" -H "Authorization: Bearer $token" -H "If-Match: $version" \
  -d '{"status":"on_scene"}' >/dev/null || fail "the unit could not arrive"
wait_for "$work/board.log" "Wall ticker: [0-9][0-9]:[0-9][0-9] Барыс-11 arrived — Robbery, пр. Абая, 10" 10
ok "the ticker says “Барыс-11 dispatched — Robbery, пр. Абая, 10”, then “arrived”"
figures_match
ok "after the dispatch and the arrival the figures still equal the snapshot's: $(expected)"

# An arrival dozord finds from the unit's own fix (docs/api.md, "Arrival"):
# Барыс-12 sent to the accident stands at the scene; today's response time
# is that incident's, registration to the fix, as the backend records it.
api POST dispatches "{\"unit_id\":\"${units[1]}\",\"incident_id\":\"$accident\"}" disp-2 | jq -e .id >/dev/null ||
  fail "the second dispatch was refused"
sleep 1
fix=$(jq -cn --arg u "${units[1]}" --arg t "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  '{positions: [{unit_id: $u, lat: 43.2300, lon: 76.9000, time: $t, speed: 0}]}')
curl -sf -X POST "$url/api/v1/positions" -H "Authorization: Bearer $token" -d "$fix" >/dev/null || fail "the fix was refused"
response=$(curl -sf "$url/api/v1/snapshot" -H "Authorization: Bearer $token" | jq -r --arg i "$accident" '
  .incidents[] | select(.id == $i) | select(.arrival.by == "server") |
  (.on_scene_at | sub("\\.[0-9]+"; "") | fromdateiso8601) - (.created_at | sub("\\.[0-9]+"; "") | fromdateiso8601)')
[ -n "$response" ] || fail "dozord did not find Барыс-12's arrival from its fix"
wait_for "$work/board.log" "Wall ticker: [0-9][0-9]:[0-9][0-9] Барыс-12 arrived — Traffic accident" 10
wait_for "$work/board.log" "Wall figures: .*today 1 arrivals" 10
shown=$(grep "Wall figures: .*today 1 arrivals" "$work/board.log" | tail -n 1 | sed 's/.*mean \([0-9]*\) s, p90 \([0-9]*\) s.*/\1 \2/')
# The backend's times are whole seconds; the wall's are the same times.
awk -v r="$response" -v s="$shown" 'BEGIN { split(s, v, " "); exit !(v[1] - r <= 1 && r - v[1] <= 1 && v[2] - r <= 1 && r - v[2] <= 1) }' ||
  fail "today's mean and p90 on the wall are “$shown” s; the backend's one arrival took $response s"
ok "an arrival dozord found from a fix counts today: mean and p90 “$shown” s on the wall, $response s in the backend"
figures_match

# --- Coverage: computed only where a map shows it ------------------------------
# This monitor shows no map, so nothing draws a coverage gap: neither the
# desk's crisis pane (figures, road times, move-ups, per window) nor the
# wall's own coverage may run.
! grep -q "Crisis figures and coverage computed" "$work/board.log" ||
  fail "the wall ran the desk's crisis computation: $(grep -c "Crisis figures and coverage computed" "$work/board.log") times"
! grep -q "Wall coverage computed" "$work/board.log" || fail "the wall computed coverage that no map shows"
ok "no map on this monitor: the wall computes no coverage"

sleep 1
import -window root "$work/wall-views.png"
if [ -n "${DOZOR_SHOT:-}" ]; then cp "$work/wall-views.png" "$DOZOR_SHOT"; fi

# --- Every label inside its window, in each language ------------------------
# With the figures' longest texts on screen (who waits and since when,
# today's mean and 90th percentile), SIGUSR1 makes the board log each label
# that leaves its window or the cell that clips it.
labels_inside() { # LANG
  local outside
  wait_for "$work/board.log" "Wall figures: .*today 1 arrivals" 30
  wait_for "$work/board.log" "Wall figures: blocks as" 10
  sleep 1.5
  kill -USR1 "$board"
  wait_for "$work/board.log" "Layout checked" 10
  outside=$(grep "Label outside its window" "$work/board.log" | sed 's/.*Label outside/Label outside/' || true)
  [ -z "$outside" ] || fail "$1: $outside"
  checked=$(sed -n 's/.*Labels outside their window: 0 of \([0-9]*\).*/\1/p' "$work/board.log" | tail -n 1)
  [ -n "$checked" ] && [ "$checked" -ge 25 ] ||
    fail "$1: the check looked at ${checked:-no} labels; the figures alone have 25"
  ok "$1: all $checked labels whole inside the monitor ($(grep -o 'blocks as [^ ]* in [0-9x]*' "$work/board.log" |
    tail -n 1))"
}
labels_inside en
# Each language in its own locale, so that the date under the clock is in
# it too ("Воскресенье, 6 декабря 2026"); localedef needs no root.
command -v localedef >/dev/null || fail "no localedef: install locales (build-aux/debian-packages.txt)"
mkdir -p "$work/locale"
for lang in ru kk; do
  stop_board
  locale=$( [ "$lang" = ru ] && echo ru_RU || echo kk_KZ)
  localedef -i "$locale" -f UTF-8 "$work/locale/$locale.UTF-8" >/dev/null 2>&1 || true
  [ -e "$work/locale/$locale.UTF-8/LC_TIME" ] || fail "localedef made no $locale.UTF-8"
  LOCPATH=$work/locale LC_ALL=$locale.UTF-8 LANGUAGE=$lang \
    "$dozor" --wall --wall-config "$work/wall.conf" >"$work/board.log" 2>&1 &
  board=$!
  wait_for "$work/board.log" "Link state: live" 30
  labels_inside "$lang"
  # The date under the clock as the language writes it, from the locale's
  # own names: in Kazakh the month and the weekday in lower case inside the
  # date («2026 ж. 6 желтоқсан, жексенбі»), where glibc's kk_KZ spells
  # them with a capital; in Russian the weekday begins it, with its capital.
  wait_for "$work/board.log" "Wall date: " 10
  shown=$(grep -o "Wall date: .*" "$work/board.log" | tail -n 1 | sed 's/^Wall date: //')
  if [ "$lang" = kk ]; then
    names=$(LOCPATH=$work/locale LC_ALL=$locale.UTF-8 date +'%-d %B, %A' | LC_ALL=C.UTF-8 sed 's/.*/\L&/')
    want="$(date +%Y) ж. $names"
  else
    want=$(LOCPATH=$work/locale LC_ALL=$locale.UTF-8 date +'%A, %-d %B %Y')
  fi
  [ "$shown" = "$want" ] || fail "$lang: the wall's date is “$shown”, the language writes “$want”"
  ok "$lang: the date reads “$shown”"
  import -window root "$work/wall-views-$lang.png"
done
stop_board
echo "1..$n"
