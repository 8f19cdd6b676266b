/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * Lays a wall view's blocks out in the first of several arrangements that
 * fits the view. The legibility rule fixes the size of every letter
 * (docs/wall.md), so a view that does not fit cannot shrink its text: it
 * has to put its blocks elsewhere. The figures' forces and incidents side
 * by side need about 30 capital heights of width in Russian and Kazakh,
 * whose words are longer than English ones; on a narrower cell they go one
 * under the other, and on a shorter one the blocks become two columns.
 *
 * An arrangement is written as the wall config's grid is: rows top to
 * bottom separated by ';', columns left to right by ','; within a column,
 * blocks one under another are joined by '+'. A block is the index of the
 * widget's child, 0 for the first. "0;1,2;3" is child 0 across the top,
 * 1 and 2 side by side, 3 across the bottom.
 */
#include "config.h"

#include <string.h>

#include "dozor-wall-blocks-layout.h"

#define MAX_ROWS 4
#define MAX_COLUMNS 4
#define MAX_STACK 4
#define MAX_ARRANGEMENTS 4
#define MAX_CHILDREN 8

typedef struct
{
  char *text;
  guint n_rows;
  guint n_columns[MAX_ROWS];
  guint n_stacked[MAX_ROWS][MAX_COLUMNS];
  guint block[MAX_ROWS][MAX_COLUMNS][MAX_STACK];
} Arrangement;

struct _DozorWallBlocksLayout
{
  GtkLayoutManager parent_instance;

  char *name;
  Arrangement arrangements[MAX_ARRANGEMENTS];
  guint n_arrangements;
  int column_gap;
  int block_gap;
  int chosen;             /* the arrangement of the last allocation, -1 before */
  gboolean chosen_fits;   /* and whether it fitted the height */
};

G_DEFINE_FINAL_TYPE (DozorWallBlocksLayout, dozor_wall_blocks_layout, GTK_TYPE_LAYOUT_MANAGER)

/* The arrangements are the program's own, not the administrator's: a
 * wrong one is a programming error. */
static void
parse_arrangement (Arrangement *arrangement,
                   const char  *text)
{
  g_auto(GStrv) rows = g_strsplit (text, ";", -1);

  arrangement->text = g_strdup (text);
  arrangement->n_rows = g_strv_length (rows);
  g_assert (arrangement->n_rows >= 1 && arrangement->n_rows <= MAX_ROWS);
  for (guint r = 0; r < arrangement->n_rows; r++)
    {
      g_auto(GStrv) columns = g_strsplit (rows[r], ",", -1);

      arrangement->n_columns[r] = g_strv_length (columns);
      g_assert (arrangement->n_columns[r] >= 1 && arrangement->n_columns[r] <= MAX_COLUMNS);
      for (guint c = 0; c < arrangement->n_columns[r]; c++)
        {
          g_auto(GStrv) stacked = g_strsplit (columns[c], "+", -1);

          arrangement->n_stacked[r][c] = g_strv_length (stacked);
          g_assert (arrangement->n_stacked[r][c] >= 1 && arrangement->n_stacked[r][c] <= MAX_STACK);
          for (guint b = 0; b < arrangement->n_stacked[r][c]; b++)
            {
              guint64 index = g_ascii_strtoull (stacked[b], NULL, 10);

              g_assert (index < MAX_CHILDREN);
              arrangement->block[r][c][b] = (guint) index;
            }
        }
    }
}

/* The widget's children by index; NULL for one that is hidden or absent. */
static void
get_children (GtkWidget  *widget,
              GtkWidget **children)
{
  guint i = 0;

  memset (children, 0, sizeof (GtkWidget *) * MAX_CHILDREN);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL && i < MAX_CHILDREN;
       child = gtk_widget_get_next_sibling (child), i++)
    children[i] = gtk_widget_should_layout (child) ? child : NULL;
}

/* A column's width: the widest of its blocks. */
static void
column_width (const Arrangement *arrangement,
              GtkWidget        **children,
              guint              row,
              guint              column,
              int               *minimum,
              int               *natural)
{
  *minimum = *natural = 0;
  for (guint b = 0; b < arrangement->n_stacked[row][column]; b++)
    {
      GtkWidget *child = children[arrangement->block[row][column][b]];
      int child_min = 0, child_nat = 0;

      if (child == NULL)
        continue;
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &child_min, &child_nat, NULL, NULL);
      *minimum = MAX (*minimum, child_min);
      *natural = MAX (*natural, child_nat);
    }
}

/* The arrangement's width: that of its widest row. */
static void
arrangement_width (DozorWallBlocksLayout *self,
                   const Arrangement     *arrangement,
                   GtkWidget            **children,
                   int                   *minimum,
                   int                   *natural)
{
  *minimum = *natural = 0;
  for (guint r = 0; r < arrangement->n_rows; r++)
    {
      int row_min = self->column_gap * ((int) arrangement->n_columns[r] - 1), row_nat = row_min;

      for (guint c = 0; c < arrangement->n_columns[r]; c++)
        {
          int column_min, column_nat;

          column_width (arrangement, children, r, c, &column_min, &column_nat);
          row_min += column_min;
          row_nat += column_nat;
        }
      *minimum = MAX (*minimum, row_min);
      *natural = MAX (*natural, row_nat);
    }
}

/* Lays @arrangement out @width wide and returns its height. With
 * @allocate, gives each block its place, the whole centred in @width ×
 * @height; otherwise only measures. */
static int
lay_out (DozorWallBlocksLayout *self,
         const Arrangement     *arrangement,
         GtkWidget            **children,
         int                    width,
         int                    height,
         gboolean               allocate)
{
  int minimum, natural, content, x0, y0 = 0, y = 0;

  arrangement_width (self, arrangement, children, &minimum, &natural);
  content = CLAMP (width, minimum, MAX (natural, minimum));
  x0 = MAX ((width - content) / 2, 0);
  if (allocate)
    y0 = MAX ((height - lay_out (self, arrangement, children, width, height, FALSE)) / 2, 0);

  for (guint r = 0; r < arrangement->n_rows; r++)
    {
      GtkRequestedSize sizes[MAX_COLUMNS];
      guint n = arrangement->n_columns[r];
      int extra = content - self->column_gap * ((int) n - 1), x = x0, row_height = 0;

      for (guint c = 0; c < n; c++)
        {
          column_width (arrangement, children, r, c, &sizes[c].minimum_size, &sizes[c].natural_size);
          sizes[c].data = NULL;
          extra -= sizes[c].minimum_size;
        }
      /* Each column up to its natural width; what is left goes to the
       * last, so that the row ends where the widest row ends. */
      extra = gtk_distribute_natural_allocation (MAX (extra, 0), n, sizes);
      sizes[n - 1].minimum_size += extra;

      for (guint c = 0; c < n; c++)
        {
          int column_y = 0;

          for (guint b = 0; b < arrangement->n_stacked[r][c]; b++)
            {
              GtkWidget *child = children[arrangement->block[r][c][b]];
              int child_height = 0;

              if (child == NULL)
                continue;
              if (column_y > 0)
                column_y += self->block_gap;
              gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, sizes[c].minimum_size, &child_height, NULL, NULL,
                                  NULL);
              if (allocate)
                gtk_widget_size_allocate (child,
                                          &(GtkAllocation) { x, y0 + y + column_y, sizes[c].minimum_size, child_height },
                                          -1);
              column_y += child_height;
            }
          row_height = MAX (row_height, column_y);
          x += sizes[c].minimum_size + self->column_gap;
        }
      if (row_height > 0 && r + 1 < arrangement->n_rows)
        row_height += self->block_gap;
      y += row_height;
    }
  return y;
}

/* The arrangement to use at @width: the first that fits it and @height
 * (-1: any height); failing the height, the fitting one least high; failing
 * the width too, the narrowest. */
static int
choose (DozorWallBlocksLayout *self,
        GtkWidget            **children,
        int                    width,
        int                    height,
        int                   *out_height,
        gboolean              *fits)
{
  int best = -1, best_height = G_MAXINT, narrowest = 0, narrowest_width = G_MAXINT;

  for (guint a = 0; a < self->n_arrangements; a++)
    {
      int minimum, natural, h;

      arrangement_width (self, &self->arrangements[a], children, &minimum, &natural);
      if (minimum < narrowest_width)
        {
          narrowest = (int) a;
          narrowest_width = minimum;
        }
      if (minimum > width)
        continue;
      h = lay_out (self, &self->arrangements[a], children, width, -1, FALSE);
      if (height < 0 || h <= height)
        {
          *out_height = h;
          *fits = TRUE;
          return (int) a;
        }
      if (h < best_height)
        {
          best = (int) a;
          best_height = h;
        }
    }
  *fits = FALSE;
  if (best >= 0)
    {
      *out_height = best_height;
      return best;
    }
  *out_height = lay_out (self, &self->arrangements[narrowest], children, width, -1, FALSE);
  return narrowest;
}

static GtkSizeRequestMode
dozor_wall_blocks_layout_get_request_mode (GtkLayoutManager *manager,
                                           GtkWidget        *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
dozor_wall_blocks_layout_measure (GtkLayoutManager *manager,
                                  GtkWidget        *widget,
                                  GtkOrientation    orientation,
                                  int               for_size,
                                  int              *minimum,
                                  int              *natural,
                                  int              *minimum_baseline,
                                  int              *natural_baseline)
{
  DozorWallBlocksLayout *self = DOZOR_WALL_BLOCKS_LAYOUT (manager);
  GtkWidget *children[MAX_CHILDREN];
  int first_min, first_nat;

  get_children (widget, children);
  arrangement_width (self, &self->arrangements[0], children, &first_min, &first_nat);
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* As narrow as the narrowest arrangement; as wide as the first,
       * the one preferred. */
      *minimum = first_min;
      for (guint a = 1; a < self->n_arrangements; a++)
        {
          int arrangement_min, arrangement_nat;

          arrangement_width (self, &self->arrangements[a], children, &arrangement_min, &arrangement_nat);
          *minimum = MIN (*minimum, arrangement_min);
        }
      *natural = MAX (first_nat, *minimum);
    }
  else
    {
      /* As high as the least high arrangement that fits the width; the
       * natural height is the preferred one's, so that a parent with room
       * lets it have it. */
      int width = for_size >= 0 ? for_size : first_nat;
      gboolean fits;

      *natural = 0;
      choose (self, children, width, -1, natural, &fits);
      *minimum = *natural;
      for (guint a = 0; a < self->n_arrangements; a++)
        {
          int arrangement_min, arrangement_nat;

          arrangement_width (self, &self->arrangements[a], children, &arrangement_min, &arrangement_nat);
          if (arrangement_min <= width)
            *minimum = MIN (*minimum, lay_out (self, &self->arrangements[a], children, width, -1, FALSE));
        }
    }
  *minimum_baseline = *natural_baseline = -1;
}

static void
dozor_wall_blocks_layout_allocate (GtkLayoutManager *manager,
                                   GtkWidget        *widget,
                                   int               width,
                                   int               height,
                                   int               baseline)
{
  DozorWallBlocksLayout *self = DOZOR_WALL_BLOCKS_LAYOUT (manager);
  GtkWidget *children[MAX_CHILDREN];
  gboolean fits;
  int needed = 0, chosen, visible = height;

  get_children (widget, children);
  /* In a cell that clips (a wall panel's), what counts is the cell: the
   * view is given at least its least height even when the cell is
   * shorter, and is then cut at the cell's edge. */
  for (GtkWidget *up = gtk_widget_get_parent (widget); up != NULL; up = gtk_widget_get_parent (up))
    if (GTK_IS_SCROLLED_WINDOW (up))
      {
        visible = MIN (height, gtk_widget_get_height (up));
        break;
      }
  chosen = choose (self, children, width, visible, &needed, &fits);
  lay_out (self, &self->arrangements[chosen], children, width, height, TRUE);
  if (chosen != self->chosen || fits != self->chosen_fits)
    {
      self->chosen = chosen;
      self->chosen_fits = fits;
      /* The administrator's clue when a view does not fit its cell: a
       * shorter distance, a larger monitor or fewer views in its grid. */
      if (fits)
        g_message ("Wall %s: blocks as %s in %dx%d", self->name, self->arrangements[chosen].text, width, height);
      else
        g_message ("Wall %s: blocks as %s need %d px of height and have %d: some are cut at the bottom",
                   self->name, self->arrangements[chosen].text, needed, visible);
    }
}

static void
dozor_wall_blocks_layout_finalize (GObject *object)
{
  DozorWallBlocksLayout *self = DOZOR_WALL_BLOCKS_LAYOUT (object);

  for (guint a = 0; a < self->n_arrangements; a++)
    g_free (self->arrangements[a].text);
  g_free (self->name);

  G_OBJECT_CLASS (dozor_wall_blocks_layout_parent_class)->finalize (object);
}

static void
dozor_wall_blocks_layout_class_init (DozorWallBlocksLayoutClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkLayoutManagerClass *layout_class = GTK_LAYOUT_MANAGER_CLASS (klass);

  object_class->finalize = dozor_wall_blocks_layout_finalize;
  layout_class->get_request_mode = dozor_wall_blocks_layout_get_request_mode;
  layout_class->measure = dozor_wall_blocks_layout_measure;
  layout_class->allocate = dozor_wall_blocks_layout_allocate;
}

static void
dozor_wall_blocks_layout_init (DozorWallBlocksLayout *self)
{
  self->chosen = -1;
}

/**
 * dozor_wall_blocks_layout_new:
 * @name: the view's name, for the log
 * @arrangements: (array zero-terminated=1): one to four arrangements, the
 *   preferred first (see the file's comment for how they are written)
 *
 * Returns: (transfer full): the layout manager
 */
GtkLayoutManager *
dozor_wall_blocks_layout_new (const char        *name,
                              const char *const *arrangements)
{
  DozorWallBlocksLayout *self = g_object_new (DOZOR_TYPE_WALL_BLOCKS_LAYOUT, NULL);

  self->name = g_strdup (name);
  for (; arrangements[self->n_arrangements] != NULL; self->n_arrangements++)
    {
      g_assert (self->n_arrangements < MAX_ARRANGEMENTS);
      parse_arrangement (&self->arrangements[self->n_arrangements], arrangements[self->n_arrangements]);
    }
  g_assert (self->n_arrangements > 0);
  return GTK_LAYOUT_MANAGER (self);
}

/**
 * dozor_wall_blocks_layout_set_spacing:
 * @self: a #DozorWallBlocksLayout
 * @column_gap: pixels between columns
 * @block_gap: pixels between rows and between blocks one under another
 */
void
dozor_wall_blocks_layout_set_spacing (DozorWallBlocksLayout *self,
                                      int                    column_gap,
                                      int                    block_gap)
{
  g_return_if_fail (DOZOR_IS_WALL_BLOCKS_LAYOUT (self));

  self->column_gap = MAX (column_gap, 0);
  self->block_gap = MAX (block_gap, 0);
  gtk_layout_manager_layout_changed (GTK_LAYOUT_MANAGER (self));
}
