#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# What a heaptrack run holds at its end, by who asked for it: reads the
# folded stacks of `heaptrack_print -F FILE --flamegraph-cost-type leaked`
# (one line a stack, root first, bytes still allocated when the process
# ended) and prints, for each function, the bytes under every stack that
# passes through it (inclusive: a function's callers include its cost),
# the largest first, and the same for a few subsystems found by the names
# of their functions. Given two files (a board and the platform's floor),
# prints both and the difference, so that what only the board holds
# stands out. board-heaptrack.sh runs it.
#
#   heap-sites.py BOARD.folded [FLOOR.folded]
import re
import sys

# Subsystems by the names of the functions in a stack: the first group,
# in this order, that any frame of the stack matches. The order matters:
# a tile the renderer uploads for a map layer is the renderer's.
GROUPS = [
    ('GTK renderer: realize (GL context, shaders, atlases)', r'^gsk_renderer_realize$'),
    ('GTK renderer: render (frames, textures, llvmpipe JIT)', r'^gsk_renderer_render$'),
    ('GDK GL context realize (GLX, Mesa context)', r'^gdk_gl_context_realize$|^gdk_display_prepare_gl$'),
    ('map tiles (tile source, overlays, libshumate decode)',
     r'^render_in_thread$|^dozor_basemap_compose_tile$|^gdk_pixbuf_new_from_stream$|^compose_in_pool$'),
    ('JSON trees from the server (snapshot, answers, events)', r'^dozor_json_parse$'),
    ('list rows (GtkListView items)', r'^setup_row$|^gtk_list_item_|^gtk_list_base_'),
    ('road graph', r'^dozor_road_graph_new$'),
    ('street map and street index', r'^dozor_street_map_|^dozor_street_index_'),
    ('shortcuts window (help overlay)', r'^gtk_application_window_set_help_overlay$|^gtk_builder_new_from_resource$'),
    ('widget templates (.ui)', r'^gtk_widget_init_template$'),
    ('SQLite', r'^sqlite3'),
    ('the situation (model, snapshot applied)', r'^dozor_situation_'),
    ('CSS (themes, style of nodes)', r'^gtk_css_|^_gtk_css_|^gtk_style_'),
    ('icon theme and icons', r'^gtk_icon_theme|^gtk_icon_paintable'),
    ('Pango, fonts, glyphs', r'^pango_|^Fc|^FT_|^hb_'),
    ('json-glib elsewhere', r'^json_'),
]


def read(path):
    stacks = []
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            stack, _, cost = line.rpartition(' ')
            if not stack or not cost.isdigit():
                continue
            frames = [re.sub(r'\(.*$', '', fr).strip() for fr in stack.split(';')]
            stacks.append((frames, int(cost)))
    return stacks


def inclusive(stacks):
    total = {}
    for frames, cost in stacks:
        for name in set(frames):
            total[name] = total.get(name, 0) + cost
    return total


def grouped(stacks):
    total = {}
    for frames, cost in stacks:
        name = next((label for label, pattern in GROUPS if any(re.search(pattern, f) for f in frames)), 'other')
        total[name] = total.get(name, 0) + cost
    return total


def mb(n):
    return '%8.1f' % (n / 1e6)


def main():
    runs = [read(path) for path in sys.argv[1:3]]
    sums = [sum(c for _, c in s) for s in runs]
    print('bytes still allocated at the end: ' + ', '.join('%s MB' % mb(s).strip() for s in sums))
    groups = [grouped(s) for s in runs]
    names = sorted(set().union(*groups), key=lambda n: -groups[0].get(n, 0))
    print('\nby subsystem, first matching frame from the root (MB): board%s' % ('  floor  board-floor' if len(runs) > 1 else ''))
    for name in names:
        figures = [g.get(name, 0) for g in groups]
        extra = (mb(figures[1]) + mb(figures[0] - figures[1])) if len(runs) > 1 else ''
        print('  %-58s %s%s' % (name, mb(figures[0]), extra))
    totals = [inclusive(s) for s in runs]
    print('\nfunctions by bytes under them, largest difference first (MB): board%s' % ('  floor  board-floor' if len(runs) > 1 else ''))
    key = (lambda n: -(totals[0].get(n, 0) - totals[1].get(n, 0))) if len(runs) > 1 else (lambda n: -totals[0][n])
    shown = 0
    for name in sorted(totals[0], key=key):
        if name in ('', '??') or name.startswith(('0x', 'main', '__libc_start', '_start', 'g_application_run', 'g_main_')):
            continue
        figures = [t.get(name, 0) for t in totals]
        extra = (mb(figures[1]) + mb(figures[0] - figures[1])) if len(runs) > 1 else ''
        print('  %-58s %s%s' % (name[:58], mb(figures[0]), extra))
        shown += 1
        if shown == 60:
            break


main()
