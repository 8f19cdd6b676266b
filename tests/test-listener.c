/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * dozord's listener when accept() itself fails: the process is out of
 * descriptors. libsoup 3.2's own listener stopped accepting for good after
 * one such failure, silently. DozorListener must say so in its log, and
 * accept again once descriptors are free.
 *
 * The listener runs in this process, so that the test can use up the
 * descriptors of the very process that accepts: the caps keep a real
 * dozord below its limit, and its connections never make accept() fail.
 * The clients are a child forked before that, so they need none of ours.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "dozor-listener.h"

#define N_CLIENTS 10

static void
hello_cb (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "ok", 2);
}

/* The child: once told, N_CLIENTS requests at once, each with 20 s to be
 * answered; its exit status is how many were. */
static int
clients_main (int      go,
              guint16  port)
{
  struct sockaddr_in address = { 0 };
  int fds[N_CLIENTS];
  int answered = 0;
  char byte;

  if (read (go, &byte, 1) != 1)
    return 0;

  address.sin_family = AF_INET;
  address.sin_port = htons (port);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  for (int i = 0; i < N_CLIENTS; i++)
    {
      static const char request[] = "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
      struct timeval timeout = { 20, 0 };

      fds[i] = socket (AF_INET, SOCK_STREAM, 0);
      setsockopt (fds[i], SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      /* The kernel completes the handshake from the backlog, whether or
       * not the server can accept yet. */
      if (connect (fds[i], (struct sockaddr *) &address, sizeof address) != 0 ||
          write (fds[i], request, sizeof request - 1) != (ssize_t) (sizeof request - 1))
        return answered;
    }

  for (int i = 0; i < N_CLIENTS; i++)
    {
      char answer[256] = { 0 };
      ssize_t n = read (fds[i], answer, sizeof answer - 1);

      if (n > 0 && g_str_has_prefix (answer, "HTTP/1.1 200"))
        answered++;
      close (fds[i]);
    }
  return answered;
}

static void
test_accept_recovers (void)
{
  g_autoptr(SoupServer) soup = soup_server_new (NULL, NULL);
  DozorListenerLimits limits = { 0, DOZOR_LISTENER_DEFAULT_PER_ADDRESS, 10, 60 };
  g_autoptr(DozorListener) listener = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) spare = g_array_new (FALSE, FALSE, sizeof (int));
  g_autofree char *uri = NULL;
  struct rlimit saved, low;
  guint16 port;
  int go[2];
  int status = 0;
  pid_t child;
  gint64 deadline;

  soup_server_add_handler (soup, "/hello", hello_cb, NULL, NULL);
  listener = dozor_listener_new (soup, NULL, &limits);
  g_assert_true (dozor_listener_listen (listener, any_port, &error));
  g_assert_no_error (error);
  uri = dozor_listener_get_uri (listener);
  port = (guint16) atoi (strrchr (uri, ':') + 1);

  g_assert_cmpint (pipe (go), ==, 0);
  child = fork ();
  g_assert_cmpint (child, >=, 0);
  if (child == 0)
    {
      close (go[1]);
      _exit (clients_main (go[0], port));
    }
  close (go[0]);

  /* Use up every descriptor this process may have, under a limit low
   * enough to reach at once. The listener was made under the old limit,
   * so its cap does not stop it from trying to accept. */
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &saved), ==, 0);
  low = saved;
  low.rlim_cur = 256;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &low), ==, 0);
  for (;;)
    {
      int fd = open ("/dev/null", O_RDONLY | O_CLOEXEC);

      if (fd < 0)
        {
          g_assert_cmpint (errno, ==, EMFILE);
          break;
        }
      g_array_append_val (spare, fd);
    }

  g_test_expect_message ("Dozor", G_LOG_LEVEL_WARNING, "Cannot accept a connection: *");
  g_assert_cmpint (write (go[1], "x", 1), ==, 1);

  /* The clients connect; accept() fails; the listener must say so. */
  deadline = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  g_test_assert_expected_messages ();

  /* Descriptors come free: every client is answered. */
  for (guint i = 0; i < spare->len; i++)
    close (g_array_index (spare, int, i));
  g_array_set_size (spare, 0);
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &saved), ==, 0);

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (waitpid (child, &status, WNOHANG) == 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE), g_usleep (5000);
  if (g_get_monotonic_time () >= deadline)
    {
      kill (child, SIGKILL);
      waitpid (child, &status, 0);
    }
  close (go[1]);

  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, N_CLIENTS);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/listener/accept-recovers", test_accept_recovers);
  return g_test_run ();
}
