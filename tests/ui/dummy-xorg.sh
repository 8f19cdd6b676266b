# SPDX-License-Identifier: GPL-3.0-or-later
#
# Sourced by the tests and benches that need two monitors (docs/wall.md,
# "Two monitors in a test"): an X server of their own, Xorg with the dummy
# video driver, whose outputs DUMMY0 and DUMMY1 GDK lists as two monitors.
#
# start_dummy_xorg DIR VIDEORAM-KB LEFT-MODELINE RIGHT-MODELINE [VIRTUAL]:
# the two heads side by side, each in its mode, the left one at 0,0;
# VIRTUAL ("7680 2160") is the screen's size when the server cannot work
# it out from the modes (two heads of its largest mode). A MODELINE
# is written as after xorg.conf's Modeline, its name first and unquoted:
# "1024x768 65.00 1024 1048 1184 1344 768 771 777 806 -hsync -vsync". Both
# modes are known to both heads (a test may switch one to the other).
# Nothing of the machine's own X configuration is read: -configdir names
# a folder in DIR (Xorg takes an empty one for none and reads
# /etc/X11/xorg.conf.d instead, so it holds a file that says nothing). No
# input device is looked for, and -sharevts keeps the server off the
# machine's consoles. Sets $xorg_pid and exports DISPLAY once the server
# accepts clients (-displayfd); returns 1, with Xorg's errors on stderr,
# when it does not start within 30 s.
start_dummy_xorg() {
  local dir=$1 videoram=$2 left=$3 right=$4 virtual=${5:-} head
  local left_name=${left%% *} right_name=${right%% *} left_w
  left_w=$(awk '{ print $3 }' <<<"$left")
  mkdir -p "$dir/xorg.conf.d"
  echo "# Nothing: this X configuration is xorg.conf alone." >"$dir/xorg.conf.d/00-nothing.conf"
  {
    cat <<EOF
Section "ServerFlags"
  Option "AutoAddDevices" "false"
  Option "AutoEnableDevices" "false"
  Option "DontVTSwitch" "true"
EndSection

Section "Device"
  Identifier "dummy"
  Driver "dummy"
  VideoRam $videoram
  Option "Monitor-DUMMY0" "left"
  Option "Monitor-DUMMY1" "right"
EndSection

EOF
    # Each head knows both modes, in sync ranges wide enough for any.
    for head in "left $left_name 0 0" "right $right_name $left_w 0"; do
      set -- $head
      printf 'Section "Monitor"\n  Identifier "%s"\n  HorizSync 5.0 - 1000.0\n  VertRefresh 5.0 - 200.0\n' "$1"
      printf '  Modeline "%s" %s\n' "$left_name" "${left#* }"
      [ "$right_name" = "$left_name" ] || printf '  Modeline "%s" %s\n' "$right_name" "${right#* }"
      printf '  Option "PreferredMode" "%s"\n  Option "Position" "%s %s"\n' "$2" "$3" "$4"
      [ "$1" = left ] && printf '  Option "Primary" "true"\n' || printf '  Option "Enable" "true"\n'
      printf 'EndSection\n\n'
    done
    cat <<EOF

Section "Screen"
  Identifier "screen"
  Device "dummy"
  Monitor "left"
  DefaultDepth 24
  SubSection "Display"
    Depth 24
    Modes "$left_name" "$right_name"
EOF
    [ -z "$virtual" ] || echo "    Virtual $virtual"
    cat <<EOF
  EndSubSection
EndSection
EOF
  } >"$dir/xorg.conf"
  "$(command -v Xorg)" -config "$dir/xorg.conf" -configdir "$dir/xorg.conf.d" -logfile "$dir/xorg.log" \
    -noreset -nolisten tcp -sharevts -novtswitch -displayfd 3 3>"$dir/display" >"$dir/xorg.out" 2>&1 &
  xorg_pid=$!
  for _ in $(seq 1 300); do
    [ -s "$dir/display" ] && break
    kill -0 "$xorg_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ ! -s "$dir/display" ]; then
    echo "Xorg did not start: $(grep '(EE)' "$dir/xorg.log" 2>/dev/null | tail -n 3)" >&2
    return 1
  fi
  DISPLAY=:$(head -n 1 "$dir/display")
  export DISPLAY
}
