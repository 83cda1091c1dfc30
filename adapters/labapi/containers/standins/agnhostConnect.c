/*
 * `agnhost connect` for the lab API's sandboxes, in C: the probe script of podnet's kube adapter starts
 * one `/agnhost connect` per probe, and a Node stand-in costs ~0.3 s of CPU per start, which dominated a
 * kube run on the lab. This covers the common case exactly as agnhost's
 * test/images/agnhost/connect/connect.go (kubernetes/kubernetes) answers it: an IP literal, TCP or UDP,
 * --timeout as a Go duration, --udp-data. Anything else (a host name, SCTP, other flags, malformed
 * arguments) is handed, unchanged, to the full stand-in agnhost.mjs, which mirrors connect.go in all cases.
 *
 * argv: agnhostConnect NODE AGNHOST_MJS connect DEST [flags...]
 * or, mounted as the sandbox's /agnhost itself: agnhost SUBCOMMAND [args...], which is the same with NODE
 * and AGNHOST_MJS at their fixed places in the sandbox (/.podnet/node, /.podnet/standins/agnhost.mjs): a
 * shell launcher in between cost one more exec per probe.
 * Output as connect.go: nothing and exit 0 when connected; otherwise one line on stderr and exit 1:
 *   TCP: "TIMEOUT", "REFUSED", "OTHER: dial tcp DEST: connect: <error>"
 *   UDP: "TIMEOUT: read udp LOCAL->DEST: i/o timeout", "REFUSED: read udp LOCAL->DEST: read: connection
 *        refused", "UNKNOWN: read udp LOCAL->DEST: read: <error>", "OTHER: No data received from the
 *        server. Cannot guarantee the server received the request.", "OTHER: dial udp DEST: connect: <error>"
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char **original_argv;

/* Anything this fast path does not cover goes to the full stand-in, with the same arguments. */
static void fallback(void) {
  /* argv+1 is {NODE, AGNHOST_MJS, "connect", args..., NULL}: node runs the stand-in with them. */
  execv(original_argv[1], original_argv + 1);
  _exit(127);
}

/* Go's syscall error strings (zerrors_linux_amd64.go) for the errnos a connection meets. */
static const char *go_error(int err) {
  switch (err) {
    case ECONNREFUSED: return "connection refused";
    case EHOSTUNREACH: return "no route to host";
    case ENETUNREACH: return "network is unreachable";
    case EHOSTDOWN: return "host is down";
    case ENETDOWN: return "network is down";
    case ECONNRESET: return "connection reset by peer";
    case EACCES: return "permission denied";
    case EPERM: return "operation not permitted";
    case EADDRINUSE: return "address already in use";
    case EADDRNOTAVAIL: return "cannot assign requested address";
    case ETIMEDOUT: return "connection timed out";
    default: return NULL;
  }
}

static void fail(const char *text) {
  fprintf(stderr, "%s\n", text);
  exit(1);
}

/* Go's time.ParseDuration for what the adapter sends: decimal numbers with ns/us/ms/s/m/h units. */
static int parse_duration_ms(const char *text, double *ms) {
  if (strcmp(text, "0") == 0) { *ms = 0; return 1; }
  double total = 0;
  const char *p = text;
  if (*p == '\0') return 0;
  while (*p) {
    char *end;
    if (!isdigit((unsigned char)*p) && *p != '.') return 0;
    double value = strtod(p, &end);
    if (end == p) return 0;
    p = end;
    double unit;
    if (strncmp(p, "ns", 2) == 0) { unit = 1e-6; p += 2; }
    else if (strncmp(p, "us", 2) == 0) { unit = 1e-3; p += 2; }
    else if (strncmp(p, "ms", 2) == 0) { unit = 1; p += 2; }
    else if (*p == 's') { unit = 1000; p += 1; }
    else if (*p == 'm') { unit = 60000; p += 1; }
    else if (*p == 'h') { unit = 3600000; p += 1; }
    else return 0;
    total += value * unit;
  }
  *ms = total;
  return 1;
}

/* net.SplitHostPort for IP literals: "1.2.3.4:80" or "[fd00::1]:80". */
static int parse_dest(const char *dest, struct sockaddr_storage *addr, socklen_t *len) {
  char host[64];
  const char *port;
  if (dest[0] == '[') {
    const char *close = strchr(dest, ']');
    if (!close || close[1] != ':' || (size_t)(close - dest - 1) >= sizeof host) return 0;
    memcpy(host, dest + 1, close - dest - 1);
    host[close - dest - 1] = '\0';
    port = close + 2;
  } else {
    const char *colon = strchr(dest, ':');
    if (!colon || strchr(colon + 1, ':') || (size_t)(colon - dest) >= sizeof host) return 0;
    memcpy(host, dest, colon - dest);
    host[colon - dest] = '\0';
    port = colon + 1;
  }
  if (*port == '\0' || strlen(port) > 5) return 0;
  for (const char *c = port; *c; c++) if (!isdigit((unsigned char)*c)) return 0;
  long p = strtol(port, NULL, 10);
  if (p > 65535) return 0;
  memset(addr, 0, sizeof *addr);
  struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
  struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;
  if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons((unsigned short)p);
    *len = sizeof *v4;
    return 1;
  }
  if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons((unsigned short)p);
    *len = sizeof *v6;
    return 1;
  }
  return 0; /* a name: the full stand-in resolves it */
}

/* The socket's local address as Go prints it: "10.244.0.2:41234" or "[fd00::2]:41234". */
static void local_address(int fd, char *out, size_t size) {
  struct sockaddr_storage a;
  socklen_t len = sizeof a;
  char ip[INET6_ADDRSTRLEN] = "0.0.0.0";
  unsigned port = 0;
  if (getsockname(fd, (struct sockaddr *)&a, &len) == 0) {
    if (a.ss_family == AF_INET) {
      inet_ntop(AF_INET, &((struct sockaddr_in *)&a)->sin_addr, ip, sizeof ip);
      port = ntohs(((struct sockaddr_in *)&a)->sin_port);
    } else {
      inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&a)->sin6_addr, ip, sizeof ip);
      port = ntohs(((struct sockaddr_in6 *)&a)->sin6_port);
      snprintf(out, size, "[%s]:%u", ip, port);
      return;
    }
  }
  snprintf(out, size, "%s:%u", ip, port);
}

static int wait_for(int fd, short events, double timeout_ms) {
  struct pollfd p = {.fd = fd, .events = events};
  int n;
  do n = poll(&p, 1, timeout_ms > 0 ? (int)(timeout_ms + 0.999) : -1);
  while (n < 0 && errno == EINTR);
  return n;
}

static void connect_tcp(const char *dest, struct sockaddr_storage *addr, socklen_t len, double timeout_ms) {
  int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) fallback();
  int err = 0;
  if (connect(fd, (struct sockaddr *)addr, len) < 0) {
    if (errno != EINPROGRESS) err = errno;
    else if (wait_for(fd, POLLOUT, timeout_ms) == 0) fail("TIMEOUT");
    else {
      socklen_t l = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l);
    }
  }
  if (err == 0) exit(0);
  if (err == ECONNREFUSED) fail("REFUSED");
  if (err == ETIMEDOUT) fail("TIMEOUT");
  const char *text = go_error(err);
  if (!text) fallback();
  fprintf(stderr, "OTHER: dial tcp %s: connect: %s\n", dest, text);
  exit(1);
}

static void connect_udp(const char *dest, struct sockaddr_storage *addr, socklen_t len, double timeout_ms,
                        const char *data) {
  int fd = socket(addr->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fallback();
  if (connect(fd, (struct sockaddr *)addr, len) < 0) {
    const char *text = go_error(errno);
    if (!text) fallback();
    fprintf(stderr, "OTHER: dial udp %s: connect: %s\n", dest, text);
    exit(1);
  }
  char local[80];
  local_address(fd, local, sizeof local);
  size_t n = strlen(data);
  char *message = malloc(n + 2);
  if (!message) fallback();
  memcpy(message, data, n);
  message[n] = '\n';
  if (send(fd, message, n + 1, 0) < 0) {
    int err = errno;
    if (err == ECONNREFUSED) {
      fprintf(stderr, "REFUSED: write udp %s->%s: write: connection refused\n", local, dest);
      exit(1);
    }
    const char *text = go_error(err);
    if (!text) fallback();
    fprintf(stderr, "UNKNOWN: write udp %s->%s: write: %s\n", local, dest, text);
    exit(1);
  }
  if (wait_for(fd, POLLIN, timeout_ms) == 0) {
    fprintf(stderr, "TIMEOUT: read udp %s->%s: i/o timeout\n", local, dest);
    exit(1);
  }
  char reply[1024];
  ssize_t got = recv(fd, reply, sizeof reply, 0);
  if (got > 0) exit(0);
  if (got == 0) fail("OTHER: No data received from the server. Cannot guarantee the server received the request.");
  int err = errno;
  if (err == ECONNREFUSED) {
    fprintf(stderr, "REFUSED: read udp %s->%s: read: connection refused\n", local, dest);
    exit(1);
  }
  const char *text = go_error(err);
  if (!text) fallback();
  fprintf(stderr, "UNKNOWN: read udp %s->%s: read: %s\n", local, dest, text);
  exit(1);
}

/* Invoked as /agnhost: the stand-in's node and script are at their places in the sandbox. */
static const char SANDBOX_NODE[] = "/.podnet/node";
static const char SANDBOX_AGNHOST_MJS[] = "/.podnet/standins/agnhost.mjs";

int main(int argc, char **argv) {
  const char *slash = strrchr(argv[0], '/');
  if (strcmp(slash ? slash + 1 : argv[0], "agnhost") == 0) {
    char **full = calloc((size_t)argc + 3, sizeof *full);
    if (!full) return 127;
    full[0] = argv[0];
    full[1] = (char *)SANDBOX_NODE;
    full[2] = (char *)SANDBOX_AGNHOST_MJS;
    for (int i = 1; i < argc; i++) full[i + 2] = argv[i];
    argv = full;
    argc += 2;
  }
  original_argv = argv;
  /* argv[1] node, argv[2] agnhost.mjs, argv[3] "connect", argv[4...] its arguments */
  if (argc < 4 || strcmp(argv[3], "connect") != 0) fallback();
  const char *dest = NULL, *protocol = "tcp", *data = "hostname";
  double timeout_ms = 0;
  for (int i = 4; i < argc; i++) {
    const char *a = argv[i];
    if (strncmp(a, "--", 2) != 0) {
      if (dest) fallback(); /* more than one argument: cobra's usage error, from the full stand-in */
      dest = a;
      continue;
    }
    const char *eq = strchr(a, '=');
    size_t name_len = eq ? (size_t)(eq - a) : strlen(a);
    const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);
    if (!value) fallback();
    if (name_len == 9 && strncmp(a, "--timeout", 9) == 0) {
      if (!parse_duration_ms(value, &timeout_ms)) fallback();
    } else if (name_len == 10 && strncmp(a, "--protocol", 10) == 0) {
      protocol = value;
    } else if (name_len == 10 && strncmp(a, "--udp-data", 10) == 0) {
      data = value;
    } else {
      fallback();
    }
  }
  if (!dest) fallback();
  struct sockaddr_storage addr;
  socklen_t len;
  if (!parse_dest(dest, &addr, &len)) fallback();
  if (strcmp(protocol, "tcp") == 0 || protocol[0] == '\0') connect_tcp(dest, &addr, len, timeout_ms);
  else if (strcmp(protocol, "udp") == 0) connect_udp(dest, &addr, len, timeout_ms, data);
  fallback();
  return 127;
}
