#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Where a process's anonymous memory outside the main heap comes from:
# board-memory.sh (TRACE_MMAPS=1) runs the board under gdb with this file
# sourced, which logs every anonymous mmap() of 128 KiB or more with its
# stack, and every munmap() (to MMAP_LOG). At the end it is run as a
# script on that log and the process's smaps, and prints the RSS of the
# mappings still alive, summed by the first frames that are not the
# allocator's (malloc, g_malloc, pixman's and cairo's image allocation).
# Adjacent mappings that the kernel merged into one are shared out by
# their size. This is slow (a stop in gdb for each mmap) and for finding
# sites, not for figures: measure without it.
#
#   mmap-sites.py LOG SMAPS
import os
import re
import sys

MIN_BYTES = 128 << 10

try:
    import gdb
except ImportError:
    gdb = None

if gdb is not None:
    log = open(os.environ['MMAP_LOG'], 'w')

    class Returned(gdb.FinishBreakpoint):
        def __init__(self, frame, length, stack):
            super().__init__(frame, internal=True)
            self.length, self.stack = length, stack

        def stop(self):
            address = int(gdb.parse_and_eval('$rax')) & 0xffffffffffffffff
            log.write('mmap 0x%x %d\n%s' % (address, self.length, self.stack))
            log.flush()
            return False

        def out_of_scope(self):
            pass

    class Map(gdb.Breakpoint):
        def stop(self):
            length = int(gdb.parse_and_eval('$rsi'))
            fd = int(gdb.parse_and_eval('(int) $r8'))
            if length >= MIN_BYTES and fd == -1:
                stack = gdb.execute('bt 16', to_string=True)
                Returned(gdb.newest_frame(), length, ''.join(' > ' + l + '\n' for l in stack.splitlines()))
            return False

    class Unmap(gdb.Breakpoint):
        def stop(self):
            length = int(gdb.parse_and_eval('$rsi'))
            if length >= MIN_BYTES:
                log.write('munmap 0x%x %d\n' % (int(gdb.parse_and_eval('$rdi')) & 0xffffffffffffffff, length))
                log.flush()
            return False

    Map('__mmap', internal=True)
    Unmap('__munmap', internal=True)
else:
    ALLOCATOR = re.compile(r'mmap64|sysmalloc|_int_malloc|_int_memalign|_mid_memalign|posix_memalign|'
                           r'libc_malloc|libc_calloc|libc_realloc|_int_realloc|g_malloc|g_realloc|g_try_malloc|'
                           r'alloc_new_heap|new_heap|_int_new_arena|arena_get2|tcache_init|libc_free|g_slice')

    def cut(live, start, end):
        kept = []
        for s, e, stack in live:
            if e <= start or s >= end:
                kept.append((s, e, stack))
                continue
            if s < start:
                kept.append((s, start, stack))
            if e > end:
                kept.append((end, e, stack))
        return kept

    def site(stack):
        names = []
        for frame in stack:
            name = re.sub(r'^#\d+\s+(0x[0-9a-f]+ in )?', '', frame)
            name = re.sub(r' \(.*', '', name).strip()
            if ALLOCATOR.search(name):
                continue
            if name in ('', '??'):
                lib = re.search(r'(?:at|from) (\S+)$', frame)
                name = '[' + (os.path.basename(lib.group(1)) if lib else '?') + ']'
            if not names or names[-1] != name:
                names.append(name)
            if len(names) == 5:
                break
        return ' < '.join(names) or 'malloc'

    live, current = [], None
    for line in open(sys.argv[1], errors='replace'):
        if line.startswith(' > '):
            if current is not None:
                current[2].append(line[3:].strip())
            continue
        kind, address, length = line.split()
        start = int(address, 16)
        live = cut(live, start, start + int(length))
        current = None
        if kind == 'mmap':
            current = (start, start + int(length), [])
            live.append(current)

    header = re.compile(r'^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$')
    areas = []
    for line in open(sys.argv[2]):
        m = header.match(line)
        if m:
            areas.append([int(m.group(1), 16), int(m.group(2), 16), m.group(3), 0])
        elif line.startswith('Rss:'):
            areas[-1][3] = int(line.split()[1])
    sums, counts = {}, {}
    for s, e, stack in live:
        for start, end, path, rss in areas:
            if path or end <= s or start >= e:
                continue
            key = site(stack)
            sums[key] = sums.get(key, 0) + rss * (min(e, end) - max(s, start)) / (end - start)
            counts[key] = counts.get(key, 0) + 1
    outside = sum(a[3] for a in areas if not a[2])
    print('  anonymous outside the main heap: %.1f MB, of which %.1f MB in mmaps of 128 KiB or more traced:'
          % (outside / 1024, sum(sums.values()) / 1024))
    for key, kb in sorted(sums.items(), key=lambda item: -item[1])[:15]:
        print('  %6.1f MB %4d  %s' % (kb / 1024, counts[key], key[:200]))
