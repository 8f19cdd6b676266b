/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * wall-set-monitor WIDTHxHEIGHT+X+Y WIDTH_MMxHEIGHT_MM: gives the X
 * server's first output a RandR 1.5 monitor of that geometry and size in
 * millimetres, as `xrandr --setmonitor` would (xrandr is not installed on
 * the test machines), and keeps it until killed: the server drops a
 * monitor when the client that made it goes. Under Xvfb this is how a test
 * gives GDK a monitor of known physical size, and changes it while the
 * board runs.
 */
#include <X11/Xlib.h>
#include <X11/extensions/Xrandr.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int
main (int   argc,
      char *argv[])
{
  int width, height, x, y, width_mm, height_mm;
  Display *display;
  Window root;
  XRRScreenResources *resources;
  XRRMonitorInfo *monitor;

  if (argc != 3 || sscanf (argv[1], "%dx%d+%d+%d", &width, &height, &x, &y) != 4 ||
      sscanf (argv[2], "%dx%d", &width_mm, &height_mm) != 2)
    {
      fprintf (stderr, "usage: wall-set-monitor WIDTHxHEIGHT+X+Y WIDTH_MMxHEIGHT_MM\n");
      return 2;
    }
  display = XOpenDisplay (NULL);
  if (display == NULL)
    {
      fprintf (stderr, "wall-set-monitor: no X display\n");
      return 1;
    }
  root = DefaultRootWindow (display);
  resources = XRRGetScreenResources (display, root);
  if (resources == NULL || resources->noutput < 1)
    {
      fprintf (stderr, "wall-set-monitor: the X server has no RandR output\n");
      return 1;
    }

  /* GDK 4.8 skips a monitor without an output: it gets the first one. */
  monitor = XRRAllocateMonitor (display, 1);
  monitor->name = XInternAtom (display, "DOZOR-TEST", False);
  monitor->primary = True;
  monitor->automatic = False;
  monitor->x = x;
  monitor->y = y;
  monitor->width = width;
  monitor->height = height;
  monitor->mwidth = width_mm;
  monitor->mheight = height_mm;
  monitor->outputs[0] = resources->outputs[0];
  XRRSetMonitor (display, root, monitor);
  XSync (display, False);
  XFree (monitor);
  XRRFreeScreenResources (resources);

  fprintf (stderr, "wall-set-monitor: %dx%d+%d+%d, %d x %d mm\n", width, height, x, y, width_mm, height_mm);
  pause ();
  return 0;
}
