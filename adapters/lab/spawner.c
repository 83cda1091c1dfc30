/*
 * The lab's command runner: a small process that forks the lab's short commands (ip, iptables-restore,
 * ipset, conntrack, sysctl, …) for the podnet process. Forking from Node costs milliseconds of the main
 * thread per command (its page tables are copied), and a lab runs thousands of them; forking from here
 * costs next to nothing. A command may be given a network namespace, entered in the child before exec (what
 * `nsenter --net=` would do, without the extra exec).
 *
 * It reads requests on stdin and writes answers on stdout, one line each; it exits when stdin closes (its
 * parent is gone) and asks the kernel to kill it if its parent dies first.
 *   X <id> <netns path|-> <stdin hex|-> <arg hex> [<arg hex>...]
 *   -> Z <id> <exit code, or 128+signal, or -errno if it could not start> <stdout hex|-> <stderr hex|->
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_LINE (64 << 20)

struct job {
  char *id;
  pid_t pid;
  int in_fd, out_fd, err_fd;
  char *input;
  size_t input_len, input_off;
  char *out, *err;
  size_t out_len, out_cap, err_len, err_cap;
  int exited, status, done;
  struct tag *in_tag;
  struct job *next;
};

/* What an epoll event is about: a job's pipe (which one by fd), stdin, or the signalfd. */
struct tag {
  int kind; /* 0 stdin, 1 signals, 2 job pipe */
  struct job *job;
  int fd;
};

static int ep;
static struct job *jobs;
/* Finished jobs, freed after the current batch of events (which may still point at them). */
static struct job *graveyard;

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

static char *unhex(const char *h, size_t *n) {
  if (strcmp(h, "-") == 0) {
    *n = 0;
    return calloc(1, 1);
  }
  size_t l = strlen(h);
  char *b = malloc(l / 2 + 1);
  if (!b) abort();
  for (size_t i = 0; i + 1 < l; i += 2) {
    int a = hexval(h[i]), c = hexval(h[i + 1]);
    if (a < 0 || c < 0) {
      free(b);
      return NULL;
    }
    b[i / 2] = (char)(a * 16 + c);
  }
  b[l / 2] = 0;
  *n = l / 2;
  return b;
}

static void put_hex(FILE *f, const char *b, size_t n) {
  if (n == 0) {
    fputc('-', f);
    return;
  }
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    fputc(digits[(unsigned char)b[i] >> 4], f);
    fputc(digits[(unsigned char)b[i] & 15], f);
  }
}

static struct tag *watch(int fd, uint32_t events, int kind, struct job *job) {
  struct tag *t = malloc(sizeof *t);
  t->kind = kind;
  t->job = job;
  t->fd = fd;
  struct epoll_event ev = {.events = events, .data.ptr = t};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
    perror("spawner: epoll_ctl");
    exit(1);
  }
  return t;
}

static void answer(const char *id, int code, const char *out, size_t out_len, const char *err, size_t err_len) {
  fprintf(stdout, "Z %s %d ", id, code);
  put_hex(stdout, out, out_len);
  fputc(' ', stdout);
  put_hex(stdout, err, err_len);
  fputc('\n', stdout);
  fflush(stdout);
}

static void finish_if_done(struct job *j) {
  if (!j->exited || j->out_fd >= 0 || j->err_fd >= 0) return;
  int code = WIFEXITED(j->status) ? WEXITSTATUS(j->status) : 128 + WTERMSIG(j->status);
  answer(j->id, code, j->out, j->out_len, j->err, j->err_len);
  for (struct job **p = &jobs; *p; p = &(*p)->next) {
    if (*p == j) {
      *p = j->next;
      break;
    }
  }
  if (j->in_fd >= 0) close(j->in_fd);
  j->in_fd = -1;
  j->done = 1;
  j->next = graveyard;
  graveyard = j;
}

static void bury(void) {
  while (graveyard) {
    struct job *j = graveyard;
    graveyard = j->next;
    free(j->in_tag);
    free(j->id);
    free(j->input);
    free(j->out);
    free(j->err);
    free(j);
  }
}

static void start(char **tok, int ntok) {
  const char *id = tok[1], *netns = tok[2];
  size_t input_len;
  char *input = unhex(tok[3], &input_len);
  char **argv = calloc((size_t)ntok, sizeof *argv);
  int bad = input == NULL;
  for (int i = 4; i < ntok && !bad; i++) {
    size_t n;
    argv[i - 4] = unhex(tok[i], &n);
    if (!argv[i - 4]) bad = 1;
  }
  if (bad || ntok < 5) {
    answer(id, -EINVAL, NULL, 0, "bad request", 11);
    goto out;
  }
  int in[2], outp[2], errp[2], status_pipe[2];
  if (pipe2(in, O_CLOEXEC) < 0 || pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 ||
      pipe2(status_pipe, O_CLOEXEC) < 0) {
    answer(id, -errno, NULL, 0, "pipe", 4);
    goto out;
  }
  pid_t pid = fork();
  if (pid == 0) {
    int e = 0;
    if (strcmp(netns, "-") != 0) {
      int fd = open(netns, O_RDONLY | O_CLOEXEC);
      if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) e = errno;
    }
    if (!e) {
      dup2(in[0], 0);
      dup2(outp[1], 1);
      dup2(errp[1], 2);
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, NULL);
      signal(SIGPIPE, SIG_DFL);
      execvp(argv[0], argv);
      e = errno;
    }
    /* Tell the parent why it could not start (the pipe closes unread on a successful exec). */
    (void)!write(status_pipe[1], &e, sizeof e);
    _exit(127);
  }
  close(in[0]);
  close(outp[1]);
  close(errp[1]);
  close(status_pipe[1]);
  int e = 0;
  ssize_t r = pid < 0 ? -1 : read(status_pipe[0], &e, sizeof e);
  close(status_pipe[0]);
  if (pid < 0 || r == (ssize_t)sizeof e) {
    int code = pid < 0 ? errno : e;
    char msg[512];
    int n = snprintf(msg, sizeof msg, "%s: %s", strcmp(netns, "-") != 0 && e == ENOENT && access(netns, F_OK) != 0 ? netns : argv[0], strerror(code));
    if (pid > 0) waitpid(pid, NULL, 0);
    close(in[1]);
    close(outp[0]);
    close(errp[0]);
    answer(id, -code, NULL, 0, msg, (size_t)n);
    goto out;
  }
  struct job *j = calloc(1, sizeof *j);
  j->id = strdup(id);
  j->pid = pid;
  j->in_fd = in[1];
  j->out_fd = outp[0];
  j->err_fd = errp[0];
  j->input = input;
  input = NULL;
  j->input_len = input_len;
  j->next = jobs;
  jobs = j;
  fcntl(j->in_fd, F_SETFL, O_NONBLOCK);
  fcntl(j->out_fd, F_SETFL, O_NONBLOCK);
  fcntl(j->err_fd, F_SETFL, O_NONBLOCK);
  if (j->input_len > 0) j->in_tag = watch(j->in_fd, EPOLLOUT, 2, j);
  else {
    close(j->in_fd);
    j->in_fd = -1;
  }
  watch(j->out_fd, EPOLLIN, 2, j);
  watch(j->err_fd, EPOLLIN, 2, j);
out:
  free(input);
  for (int i = 0; i < ntok; i++) free(argv[i]);
  free(argv);
}

static void pipe_event(struct tag *t) {
  struct job *j = t->job;
  if (j->done) return;
  if (t->fd == j->in_fd) {
    while (j->input_off < j->input_len) {
      ssize_t w = write(j->in_fd, j->input + j->input_off, j->input_len - j->input_off);
      if (w < 0) {
        if (errno == EAGAIN) return;
        break; /* the command stopped reading: what it did not take is dropped */
      }
      j->input_off += (size_t)w;
    }
    close(j->in_fd); /* also leaves epoll; its tag is freed with the job */
    j->in_fd = -1;
    return;
  }
  int is_out = t->fd == j->out_fd;
  char **buf = is_out ? &j->out : &j->err;
  size_t *len = is_out ? &j->out_len : &j->err_len;
  size_t *cap = is_out ? &j->out_cap : &j->err_cap;
  for (;;) {
    if (*cap - *len < 65536) {
      *cap = *cap ? *cap * 2 : 131072;
      *buf = realloc(*buf, *cap);
      if (!*buf) abort();
    }
    ssize_t r = read(t->fd, *buf + *len, *cap - *len);
    if (r > 0) {
      *len += (size_t)r;
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && errno == EAGAIN) return;
    close(t->fd);
    if (is_out) j->out_fd = -1;
    else j->err_fd = -1;
    free(t);
    finish_if_done(j);
    return;
  }
}

static void reap_children(void) {
  for (;;) {
    int status;
    pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    for (struct job *j = jobs; j; j = j->next) {
      if (j->pid == pid) {
        j->exited = 1;
        j->status = status;
        finish_if_done(j);
        break;
      }
    }
  }
}

int main(void) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 1) return 0;
  signal(SIGPIPE, SIG_IGN);
  sigset_t chld;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  int sfd = signalfd(-1, &chld, SFD_NONBLOCK | SFD_CLOEXEC);
  ep = epoll_create1(EPOLL_CLOEXEC);
  fcntl(0, F_SETFL, O_NONBLOCK);
  watch(0, EPOLLIN, 0, NULL);
  watch(sfd, EPOLLIN, 1, NULL);
  char *line = malloc(MAX_LINE);
  size_t len = 0;
  fputs("ready\n", stdout);
  fflush(stdout);
  for (;;) {
    struct epoll_event evs[64];
    int n = epoll_wait(ep, evs, 64, -1);
    if (n < 0 && errno != EINTR) return 1;
    for (int i = 0; i < n; i++) {
      struct tag *t = evs[i].data.ptr;
      if (t->kind == 1) {
        struct signalfd_siginfo si;
        while (read(sfd, &si, sizeof si) == (ssize_t)sizeof si) {
        }
        reap_children();
      } else if (t->kind == 2) {
        pipe_event(t);
      } else {
        for (;;) {
          if (len == MAX_LINE) return 1;
          ssize_t r = read(0, line + len, MAX_LINE - len);
          if (r == 0) return 0; /* the parent is gone */
          if (r < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) break;
            return 1;
          }
          len += (size_t)r;
          size_t startl = 0;
          for (size_t k = 0; k < len; k++) {
            if (line[k] != '\n') continue;
            line[k] = 0;
            char *tok[4096];
            int ntok = 0;
            for (char *save = NULL, *s = strtok_r(line + startl, " ", &save); s && ntok < 4096; s = strtok_r(NULL, " ", &save))
              tok[ntok++] = s;
            if (ntok >= 5 && strcmp(tok[0], "X") == 0) start(tok, ntok);
            startl = k + 1;
          }
          memmove(line, line + startl, len - startl);
          len -= startl;
        }
      }
    }
    reap_children();
    bury();
  }
}
