/*
 * The lab's agent: one process per lab serves every pod's ports and runs every probe, from one epoll loop.
 * A "source" is a network namespace with a name (a pod, a node, the outside server): its listening sockets
 * are opened inside that namespace (setns, socket, setns back: a socket stays in the namespace it was made
 * in), and so are the sockets of the probes it sends. No process runs per pod.
 *
 * argv: labagent --podnet-lab=<prefix> <control socket path>
 * Prints "ready\n" once the control socket listens. Control lines (tokens separated by one space; free text
 * is hex, an empty one "-"), each answered with one line on the same connection:
 *   A <src> <netns path> <key hex> <dual 0|1> [t<port> | u<port> | T<port>:<hex> | U<port>:<hex> | H<port>:<hex>]...
 *       -> "a <src> ok" | "a <src> <error hex>"
 *     t/u: TCP/UDP answering "<key> <source address>\n"; T: TCP writing the text and closing; U: UDP answering
 *     every datagram with the text; H: HTTP answering every request with the text (200, text/plain).
 *     dual: listen on :: for both families (an IPv4 peer's address is printed as a.b.c.d), else on 0.0.0.0.
 *   D <src>  -> "d <src>"   (closes the source's listeners, connections and probes; its namespace is released)
 *   P <id> <src> <TCP|UDP|proto> <host> <port> <timeout ms>
 *       -> "R <id> <connected|refused|timeout|error|unsupported> <ms> <reply hex|-> <detail hex|->"
 * The outcomes are those of the Node agent it replaces: a TCP probe is connected once the server closes (or
 * at the timeout, if it connected), with the reply it sent; refused on ECONNREFUSED/EHOSTUNREACH/
 * ENETUNREACH/EHOSTDOWN/ENETDOWN; a UDP probe sends "probe\n" and is connected on the first answer.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_REPLY 65536
#define MAX_LINE (1 << 20)
#define SERVED_LINGER_MS 5000.0

enum kind { K_CTL_LISTEN, K_CTL, K_TCP_LISTEN, K_UDP, K_HTTP_LISTEN, K_SERVED, K_PROBE_TCP, K_PROBE_UDP };

struct source {
  char *name;
  int nsfd;
  char *key;
  int dual;
  int dead;
  struct source *next;
};

struct obj {
  enum kind kind;
  int fd;
  int dead;
  struct source *src;
  struct obj *prev, *next;
  double deadline; /* 0: none */
  /* listeners: given text (NULL: answer with key and source) */
  char *text;
  size_t text_len;
  /* served connections: 1 while an HTTP request is being read, 0 once answered (waiting for EOF) */
  int reading_request;
  /* probes and control connections */
  char *buf;
  size_t len;
  int connected;
  double start;
  char *id;
  long ctl_serial; /* the control connection that asked */
  long serial;     /* control connections: their own serial */
};

static int ep;
static int root_ns;
static struct obj *all;
static struct source *sources;
static long next_serial = 1;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

static void logf_(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  fflush(stderr);
}

static struct obj *new_obj(enum kind kind, int fd, struct source *src, uint32_t events) {
  struct obj *o = calloc(1, sizeof *o);
  if (!o) abort();
  o->kind = kind;
  o->fd = fd;
  o->src = src;
  o->next = all;
  if (all) all->prev = o;
  all = o;
  struct epoll_event ev = {.events = events, .data.ptr = o};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) logf_("epoll_ctl: %s", strerror(errno));
  return o;
}

static void set_events(struct obj *o, uint32_t events) {
  struct epoll_event ev = {.events = events, .data.ptr = o};
  epoll_ctl(ep, EPOLL_CTL_MOD, o->fd, &ev);
}

/* Closes now; freed after the current batch of events (which may still point at it). */
static void kill_obj(struct obj *o) {
  if (o->dead) return;
  o->dead = 1;
  if (o->fd >= 0) close(o->fd);
  o->fd = -1;
}

static void reap(void) {
  for (struct obj *o = all, *n; o; o = n) {
    n = o->next;
    if (!o->dead) continue;
    if (o->prev) o->prev->next = o->next;
    else all = o->next;
    if (o->next) o->next->prev = o->prev;
    free(o->text);
    free(o->buf);
    free(o->id);
    free(o);
  }
  for (struct source **p = &sources; *p;) {
    struct source *s = *p;
    if (!s->dead) {
      p = &s->next;
      continue;
    }
    *p = s->next;
    free(s->name);
    free(s->key);
    free(s);
  }
}

/* ---- text helpers ---- */

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decodes hex ("-" is empty); returns a malloc'd buffer and its length, or NULL on bad input. */
static char *unhex(const char *h, size_t *out_len) {
  if (strcmp(h, "-") == 0) {
    *out_len = 0;
    return calloc(1, 1);
  }
  size_t n = strlen(h);
  if (n % 2) return NULL;
  char *b = malloc(n / 2 + 1);
  if (!b) abort();
  for (size_t i = 0; i < n / 2; i++) {
    int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      free(b);
      return NULL;
    }
    b[i] = (char)(hi * 16 + lo);
  }
  b[n / 2] = 0;
  *out_len = n / 2;
  return b;
}

static void put_hex(FILE *f, const char *b, size_t n) {
  if (n == 0) {
    fputc('-', f);
    return;
  }
  for (size_t i = 0; i < n; i++) fprintf(f, "%02x", (unsigned char)b[i]);
}

/* JavaScript's String.prototype.trim on ASCII whitespace (the replies are ASCII or UTF-8 text). */
static void trim(const char *b, size_t n, size_t *start, size_t *len) {
  size_t s = 0, e = n;
  while (s < e && (b[s] == ' ' || b[s] == '\n' || b[s] == '\r' || b[s] == '\t' || b[s] == '\f' || b[s] == '\v')) s++;
  while (e > s && (b[e - 1] == ' ' || b[e - 1] == '\n' || b[e - 1] == '\r' || b[e - 1] == '\t' ||
                   b[e - 1] == '\f' || b[e - 1] == '\v'))
    e--;
  *start = s;
  *len = e - s;
}

static const char *errname(int e) {
  const char *n = strerrorname_np(e);
  return n ? n : "EUNKNOWN";
}

/* The peer's address as Node prints it for a server on 0.0.0.0, or on :: with an IPv4 peer mapped back. */
static void peer_text(const struct sockaddr_storage *ss, char *out, size_t n) {
  if (ss->ss_family == AF_INET) {
    inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, out, n);
  } else {
    const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
    if (IN6_IS_ADDR_V4MAPPED(a)) inet_ntop(AF_INET, &a->s6_addr[12], out, n);
    else inet_ntop(AF_INET6, a, out, n);
  }
}

/* ---- control connections ---- */

static struct obj *ctl_by_serial(long serial) {
  for (struct obj *o = all; o; o = o->next)
    if (!o->dead && o->kind == K_CTL && o->serial == serial) return o;
  return NULL;
}

static void ctl_write(long serial, const char *line, size_t n) {
  struct obj *c = ctl_by_serial(serial);
  if (!c) return;
  size_t off = 0;
  while (off < n) {
    ssize_t w = send(c->fd, line + off, n - off, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      kill_obj(c);
      return;
    }
    off += (size_t)w;
  }
}

/* ---- probes ---- */

static void probe_answer(struct obj *p, const char *outcome, const char *reply, size_t reply_len, const char *detail) {
  char *line = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&line, &n);
  fprintf(f, "R %s %s %.3f ", p->id, outcome, now_ms() - p->start);
  size_t s = 0, l = 0;
  if (reply) trim(reply, reply_len, &s, &l);
  put_hex(f, reply ? reply + s : "", reply ? l : 0);
  fputc(' ', f);
  put_hex(f, detail ? detail : "", detail ? strlen(detail) : 0);
  fputc('\n', f);
  fclose(f);
  ctl_write(p->ctl_serial, line, n);
  free(line);
  kill_obj(p);
}

static int refused_errno(int e) {
  return e == ECONNREFUSED || e == EHOSTUNREACH || e == ENETUNREACH || e == EHOSTDOWN || e == ENETDOWN;
}

static void probe_failed(struct obj *p, int e) {
  if (p->kind == K_PROBE_TCP && p->connected) probe_answer(p, "connected", p->buf, p->len, errname(e));
  else probe_answer(p, refused_errno(e) ? "refused" : "error", NULL, 0, errname(e));
}

/* A socket of the source's network namespace. */
static int socket_in(struct source *s, int family, int type) {
  if (setns(s->nsfd, CLONE_NEWNET) < 0) return -1;
  int fd = socket(family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int saved = errno;
  if (setns(root_ns, CLONE_NEWNET) < 0) {
    logf_("setns back to the agent's namespace: %s", strerror(errno));
    exit(1);
  }
  errno = saved;
  return fd;
}

static int parse_addr(const char *host, int port, struct sockaddr_storage *ss, socklen_t *sl) {
  memset(ss, 0, sizeof *ss);
  if (strchr(host, ':')) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1) return -1;
    *sl = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &a->sin_addr) != 1) return -1;
    *sl = sizeof *a;
  }
  return 0;
}

/* An answer for a probe that never got a socket. */
static void answer_now(long ctl_serial, const char *id, const char *outcome, const char *detail) {
  char *out = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&out, &n);
  fprintf(f, "R %s %s 0.000 - ", id, outcome);
  put_hex(f, detail, strlen(detail));
  fputc('\n', f);
  fclose(f);
  ctl_write(ctl_serial, out, n);
  free(out);
}

static void start_probe(long ctl_serial, char **tok) {
  /* P id src proto host port ms */
  const char *id = tok[1], *srcname = tok[2], *proto = tok[3], *host = tok[4];
  int port = atoi(tok[5]);
  double ms = atof(tok[6]);
  double start = now_ms();
  struct source *s = NULL;
  for (struct source *x = sources; x; x = x->next)
    if (!x->dead && strcmp(x->name, srcname) == 0) s = x;
  if (!s) {
    answer_now(ctl_serial, id, "error", "no such source");
    return;
  }
  int tcp = strcmp(proto, "TCP") == 0, udp = strcmp(proto, "UDP") == 0;
  if (!tcp && !udp) {
    char detail[128];
    snprintf(detail, sizeof detail, "protocol %s is not supported by this kernel", proto);
    answer_now(ctl_serial, id, "unsupported", detail);
    return;
  }
  struct sockaddr_storage ss;
  socklen_t sl;
  int bad = parse_addr(host, port, &ss, &sl);
  int fd = bad ? -1 : socket_in(s, ss.ss_family, tcp ? SOCK_STREAM : SOCK_DGRAM);
  if (fd < 0) {
    answer_now(ctl_serial, id, "error", bad ? "EINVAL" : errname(errno));
    return;
  }
  struct obj *p = new_obj(tcp ? K_PROBE_TCP : K_PROBE_UDP, fd, s, tcp ? (EPOLLOUT | EPOLLIN) : EPOLLIN);
  p->id = strdup(id);
  p->ctl_serial = ctl_serial;
  p->start = start;
  p->deadline = p->start + ms;
  p->buf = malloc(MAX_REPLY);
  if (!p->buf) abort();
  /* An ICMPv6 error that arrives while connect() still holds the socket (the SYN's whole path can run in
   * that call on one machine) is only a soft error to TCP (net/ipv6/tcp_ipv6.c tcp_v6_err), and the SYN
   * would be sent again a second later as a new connection, balanced anew by a Service. With IPV6_RECVERR
   * the error is queued on the socket (ipv6_icmp_error) and read by probe_event: the network refused. */
  if (tcp && ss.ss_family == AF_INET6) {
    int on = 1;
    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof on);
  }
  if (connect(fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
    probe_failed(p, errno);
    return;
  }
  if (udp) {
    if (send(fd, "probe\n", 6, MSG_NOSIGNAL) < 0 && errno != EAGAIN) probe_failed(p, errno);
  }
}

static void probe_read(struct obj *p) {
  for (;;) {
    char scratch[4096];
    char *into = p->len < MAX_REPLY ? p->buf + p->len : scratch;
    size_t room = p->len < MAX_REPLY ? MAX_REPLY - p->len : sizeof scratch;
    ssize_t r = recv(p->fd, into, room, 0);
    if (r > 0) {
      if (into != scratch) p->len += (size_t)r;
      if (p->kind == K_PROBE_UDP) {
        probe_answer(p, "connected", p->buf, p->len, NULL);
        return;
      }
      continue;
    }
    if (r == 0) {
      probe_answer(p, "connected", p->buf, p->len, NULL);
      return;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;
    probe_failed(p, errno);
    return;
  }
}

/* The errno of an ICMPv6 error queued on `fd` (IPV6_RECVERR), or 0 when none is. */
static int queued_icmp6_error(int fd) {
  char control[512], data[256];
  struct iovec iov = {data, sizeof data};
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = control;
  m.msg_controllen = sizeof control;
  if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
    if (c->cmsg_level != IPPROTO_IPV6 || c->cmsg_type != IPV6_RECVERR) continue;
    struct sock_extended_err *e = (struct sock_extended_err *)CMSG_DATA(c);
    if (e->ee_origin == SO_EE_ORIGIN_ICMP6 && e->ee_errno) return (int)e->ee_errno;
  }
  return 0;
}

static void probe_event(struct obj *p, uint32_t ev) {
  if (p->kind == K_PROBE_TCP && !p->connected) {
    if (!(ev & (EPOLLOUT | EPOLLERR | EPOLLHUP))) return;
    int err = 0;
    socklen_t el = sizeof err;
    getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &el);
    if (!err && (ev & EPOLLERR)) err = queued_icmp6_error(p->fd);
    if (err) {
      probe_failed(p, err);
      return;
    }
    if (!(ev & (EPOLLOUT | EPOLLHUP))) return;
    p->connected = 1;
    set_events(p, EPOLLIN | EPOLLRDHUP);
  }
  if (p->kind == K_PROBE_UDP && (ev & EPOLLERR) && !(ev & EPOLLIN)) {
    int err = 0;
    socklen_t el = sizeof err;
    getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &el);
    probe_failed(p, err ? err : EIO);
    return;
  }
  probe_read(p);
}

/* ---- servers ---- */

static int listen_in(struct source *s, int type, int port) {
  int family = s->dual ? AF_INET6 : AF_INET;
  int fd = socket_in(s, family, type);
  if (fd < 0) return -1;
  int one = 1, zero = 0;
  if (type == SOCK_STREAM) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof ss);
  socklen_t sl;
  if (s->dual) {
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_addr = in6addr_any;
    a->sin6_port = htons((uint16_t)port);
    sl = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_ANY);
    a->sin_port = htons((uint16_t)port);
    sl = sizeof *a;
  }
  if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || (type == SOCK_STREAM && listen(fd, 4096) < 0)) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

static void answer_text(struct obj *l, const struct sockaddr_storage *peer, char **out, size_t *n) {
  if (l->text) {
    *out = malloc(l->text_len + 1);
    memcpy(*out, l->text, l->text_len);
    *n = l->text_len;
    return;
  }
  char addr[INET6_ADDRSTRLEN];
  peer_text(peer, addr, sizeof addr);
  FILE *f = open_memstream(out, n);
  fprintf(f, "%s %s\n", l->src->key, addr);
  fclose(f);
}

static void send_all(int fd, const char *b, size_t n) {
  size_t off = 0;
  while (off < n) {
    ssize_t w = send(fd, b + off, n - off, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return; /* a full buffer (replies are small) or a gone peer: nothing more to do */
    }
    off += (size_t)w;
  }
}

static void served_done_writing(struct obj *c) {
  shutdown(c->fd, SHUT_WR);
  c->reading_request = 0;
  c->deadline = now_ms() + SERVED_LINGER_MS;
}

static void http_answer(struct obj *c, struct obj *l) {
  char date[64];
  time_t t = time(NULL);
  struct tm g;
  gmtime_r(&t, &g);
  strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &g);
  char *head = NULL;
  size_t hn = 0;
  FILE *f = open_memstream(&head, &hn);
  /* Go's net/http answers a handler's plain text as text/plain; charset=utf-8. */
  fprintf(f,
          "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nDate: %s\r\nContent-Length: %zu\r\n"
          "Connection: close\r\n\r\n",
          date, l->text_len);
  fclose(f);
  send_all(c->fd, head, hn);
  send_all(c->fd, l->text, l->text_len);
  free(head);
  served_done_writing(c);
}

static void accept_on(struct obj *l) {
  for (;;) {
    struct sockaddr_storage peer;
    socklen_t pl = sizeof peer;
    int fd = accept4(l->fd, (struct sockaddr *)&peer, &pl, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;
    }
    struct obj *c = new_obj(K_SERVED, fd, l->src, EPOLLIN | EPOLLRDHUP);
    if (l->kind == K_HTTP_LISTEN) {
      c->reading_request = 1;
      c->text = malloc(l->text_len + 1);
      memcpy(c->text, l->text, l->text_len);
      c->text_len = l->text_len;
      c->buf = malloc(16384);
      c->deadline = now_ms() + SERVED_LINGER_MS;
    } else {
      char *out;
      size_t n;
      answer_text(l, &peer, &out, &n);
      send_all(fd, out, n);
      free(out);
      served_done_writing(c);
    }
  }
}

static void served_event(struct obj *c) {
  for (;;) {
    char scratch[4096];
    int into_buf = c->reading_request && c->len < 16383;
    ssize_t r = recv(c->fd, into_buf ? c->buf + c->len : scratch, into_buf ? 16383 - c->len : sizeof scratch, 0);
    if (r > 0) {
      if (c->reading_request) {
        if (into_buf) {
          c->len += (size_t)r;
          c->buf[c->len] = 0;
        }
        if (!into_buf || strstr(c->buf, "\r\n\r\n") || strstr(c->buf, "\n\n")) {
          struct obj l = {.text = c->text, .text_len = c->text_len};
          http_answer(c, &l);
        }
      }
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    kill_obj(c); /* EOF or error */
    return;
  }
}

static void udp_event(struct obj *u) {
  for (;;) {
    char b[2048];
    struct sockaddr_storage peer;
    socklen_t pl = sizeof peer;
    ssize_t r = recvfrom(u->fd, b, sizeof b, 0, (struct sockaddr *)&peer, &pl);
    if (r < 0) {
      if (errno == EINTR) continue;
      return;
    }
    char *out;
    size_t n;
    answer_text(u, &peer, &out, &n);
    sendto(u->fd, out, n, MSG_NOSIGNAL, (struct sockaddr *)&peer, pl);
    free(out);
  }
}

/* ---- sources ---- */

static void remove_source(struct source *s) {
  for (struct obj *o = all; o; o = o->next) {
    if (o->dead || o->src != s) continue;
    if (o->kind == K_PROBE_TCP || o->kind == K_PROBE_UDP) probe_answer(o, "error", NULL, 0, "source removed");
    else kill_obj(o);
  }
  close(s->nsfd);
  s->nsfd = -1;
  s->dead = 1;
}

static void ctl_reply_err(long serial, const char *src, const char *msg) {
  char *out = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&out, &n);
  fprintf(f, "a %s ", src);
  put_hex(f, msg, strlen(msg));
  fputc('\n', f);
  fclose(f);
  ctl_write(serial, out, n);
  free(out);
}

static void add_source(long serial, char **tok, int ntok) {
  /* A src nspath keyhex dual specs... */
  const char *name = tok[1];
  for (struct source *x = sources; x; x = x->next)
    if (!x->dead && strcmp(x->name, name) == 0) {
      ctl_reply_err(serial, name, "source exists");
      return;
    }
  size_t klen;
  char *key = unhex(tok[3], &klen);
  if (!key) {
    ctl_reply_err(serial, name, "bad key");
    return;
  }
  int nsfd = open(tok[2], O_RDONLY | O_CLOEXEC);
  if (nsfd < 0) {
    char msg[600];
    snprintf(msg, sizeof msg, "open %s: %s", tok[2], strerror(errno));
    free(key);
    ctl_reply_err(serial, name, msg);
    return;
  }
  struct source *s = calloc(1, sizeof *s);
  s->name = strdup(name);
  s->nsfd = nsfd;
  s->key = key;
  s->dual = strcmp(tok[4], "1") == 0;
  s->next = sources;
  sources = s;
  for (int i = 5; i < ntok; i++) {
    char kind = tok[i][0];
    char *colon = strchr(tok[i], ':');
    int port = atoi(tok[i] + 1);
    char *text = NULL;
    size_t tl = 0;
    if (kind == 'T' || kind == 'U' || kind == 'H') {
      text = colon ? unhex(colon + 1, &tl) : NULL;
      if (!text) {
        logf_("%s: bad listener %s", name, tok[i]);
        continue;
      }
    }
    int tcp = kind == 't' || kind == 'T' || kind == 'H';
    int fd = listen_in(s, tcp ? SOCK_STREAM : SOCK_DGRAM, port);
    if (fd < 0) {
      /* As the Node agent did: the other listeners still serve, the failure goes to the log. */
      logf_("%s %s %d: %s", name, tcp ? "tcp" : "udp", port, strerror(errno));
      free(text);
      continue;
    }
    struct obj *l = new_obj(kind == 'H' ? K_HTTP_LISTEN : tcp ? K_TCP_LISTEN : K_UDP, fd, s, EPOLLIN);
    l->text = text;
    l->text_len = tl;
  }
  char line[256];
  int n = snprintf(line, sizeof line, "a %s ok\n", name);
  ctl_write(serial, line, (size_t)n);
}

static void ctl_line(struct obj *c, char *line) {
  char *tok[4096];
  int ntok = 0;
  for (char *save = NULL, *t = strtok_r(line, " ", &save); t && ntok < 4096; t = strtok_r(NULL, " ", &save))
    tok[ntok++] = t;
  if (ntok == 0) return;
  long serial = c->serial;
  if (strcmp(tok[0], "A") == 0 && ntok >= 5) add_source(serial, tok, ntok);
  else if (strcmp(tok[0], "D") == 0 && ntok == 2) {
    for (struct source *x = sources; x; x = x->next)
      if (!x->dead && strcmp(x->name, tok[1]) == 0) remove_source(x);
    char out[256];
    int n = snprintf(out, sizeof out, "d %s\n", tok[1]);
    ctl_write(serial, out, (size_t)n);
  } else if (strcmp(tok[0], "P") == 0 && ntok == 7) start_probe(serial, tok);
  else logf_("unknown control line (%d tokens): %.40s", ntok, tok[0]);
}

static void ctl_event(struct obj *c) {
  for (;;) {
    char chunk[65536];
    ssize_t r = recv(c->fd, chunk, sizeof chunk, MSG_DONTWAIT);
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      kill_obj(c);
      return;
    }
    if (r < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (c->len + (size_t)r > MAX_LINE) {
      logf_("control line too long");
      kill_obj(c);
      return;
    }
    memcpy(c->buf + c->len, chunk, (size_t)r);
    c->len += (size_t)r;
    size_t start = 0;
    for (size_t i = 0; i < c->len; i++) {
      if (c->buf[i] != '\n') continue;
      c->buf[i] = 0;
      ctl_line(c, c->buf + start);
      if (c->dead) return;
      start = i + 1;
    }
    memmove(c->buf, c->buf + start, c->len - start);
    c->len -= start;
  }
}

static void expire(double t) {
  for (struct obj *o = all; o; o = o->next) {
    if (o->dead || o->deadline == 0 || o->deadline > t) continue;
    if (o->kind == K_PROBE_TCP)
      probe_answer(o, o->connected ? "connected" : "timeout", o->connected ? o->buf : NULL, o->len,
                   o->connected ? "no reply before timeout" : NULL);
    else if (o->kind == K_PROBE_UDP) probe_answer(o, "timeout", NULL, 0, NULL);
    else kill_obj(o);
  }
}

static void on_term(int sig) {
  (void)sig;
  _exit(0);
}

int main(int argc, char **argv) {
  if (argc != 3 || strncmp(argv[1], "--podnet-lab=", 13) != 0) {
    fprintf(stderr, "usage: labagent --podnet-lab=<prefix> <control socket>\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  signal(SIGTERM, on_term);
  root_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  ep = epoll_create1(EPOLL_CLOEXEC);
  if (root_ns < 0 || ep < 0) {
    perror("labagent");
    return 1;
  }
  int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  struct sockaddr_un un = {.sun_family = AF_UNIX};
  if (strlen(argv[2]) >= sizeof un.sun_path) {
    fprintf(stderr, "labagent: socket path too long\n");
    return 2;
  }
  strcpy(un.sun_path, argv[2]);
  unlink(argv[2]);
  if (bind(ls, (struct sockaddr *)&un, sizeof un) < 0 || listen(ls, 64) < 0) {
    perror("labagent: control socket");
    return 1;
  }
  new_obj(K_CTL_LISTEN, ls, NULL, EPOLLIN);
  /* The parent waits for this line, then closes the pipe; nothing else is ever written to stdout. */
  fputs("ready\n", stdout);
  fflush(stdout);
  fclose(stdout);
  struct epoll_event evs[256];
  for (;;) {
    double t = now_ms(), next = 0;
    for (struct obj *o = all; o; o = o->next)
      if (!o->dead && o->deadline > 0 && (next == 0 || o->deadline < next)) next = o->deadline;
    int wait = next == 0 ? -1 : next <= t ? 0 : (int)(next - t) + 1;
    int n = epoll_wait(ep, evs, 256, wait);
    if (n < 0 && errno != EINTR) {
      perror("labagent: epoll_wait");
      return 1;
    }
    for (int i = 0; i < n; i++) {
      struct obj *o = evs[i].data.ptr;
      if (o->dead) continue;
      switch (o->kind) {
      case K_CTL_LISTEN: {
        int fd = accept4(o->fd, NULL, NULL, SOCK_CLOEXEC);
        if (fd >= 0) {
          struct obj *c = new_obj(K_CTL, fd, NULL, EPOLLIN);
          c->serial = next_serial++;
          c->buf = malloc(MAX_LINE);
          if (!c->buf) abort();
        }
        break;
      }
      case K_CTL: ctl_event(o); break;
      case K_TCP_LISTEN:
      case K_HTTP_LISTEN: accept_on(o); break;
      case K_UDP: udp_event(o); break;
      case K_SERVED: served_event(o); break;
      case K_PROBE_TCP:
      case K_PROBE_UDP: probe_event(o, evs[i].events); break;
      }
    }
    expire(now_ms());
    reap();
  }
}
