/*
 * The lab API sandbox's setup, in C: what sandbox.ts's SANDBOX_SETUP shell script does, with mount(2) and
 * friends instead of one `mount`/`mkdir`/`ln`/`chmod` process each (a dozen execs per sandbox; under perf
 * those were a sixth of a kube run's CPU on the lab). Run by `unshare --mount --uts --ipc --pid --fork
 * --kill-child --propagation private` inside the pod's network namespace, as PID 1 of the new PID namespace.
 *
 * argv: sandboxInit --podnet-lab=PFX HOST STANDINS NODE FAST N [HOSTPATH PATH ro|rw]*N COMMAND [ARG...]
 * fd 3: the setup's report: an error line (then exit 1), or "ready" once the sandbox is built; then the
 * command runs chrooted, through `/bin/sh -c` which prints "missing NAME" on fd 3 when the container has no
 * such executable (exit 127) and otherwise execs it with fd 3 closed. This process waits for it and exits
 * with its status (128 + signal when it was killed), as the setup shell did.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int saved_stderr = -1;

static void fail(const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  dprintf(3, "podnet-sandbox: %s: %s\n", msg, strerror(errno));
  exit(1);
}

static void do_mount(const char *src, const char *target, const char *type, unsigned long flags, const char *data) {
  if (mount(src, target, type, flags, data) < 0) fail("mount %s", target);
}

/* A read-only bind mount, as `mount --bind -o ro` makes it (bind, then remount read-only). */
static void bind_mount(const char *src, const char *target, int read_only) {
  do_mount(src, target, NULL, MS_BIND, NULL);
  if (read_only) do_mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
}

static void mkdir_p(const char *path) {
  char buf[PATH_MAX];
  if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) {
    errno = ENAMETOOLONG;
    fail("mkdir %s", path);
  }
  for (char *p = buf + 1; *p; p++) {
    if (*p != '/') continue;
    *p = 0;
    if (mkdir(buf, 0755) < 0 && errno != EEXIST) fail("mkdir %s", buf);
    *p = '/';
  }
  if (mkdir(buf, 0755) < 0 && errno != EEXIST) fail("mkdir %s", buf);
}

static void touch(const char *path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("create %s", path);
  close(fd);
}

static void write_file(const char *path, const char *text, mode_t mode) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) fail("write %s", path);
  close(fd);
  if (chmod(path, mode) < 0) fail("chmod %s", path);
}

static char *join(const char *a, const char *b) {
  char *s;
  if (asprintf(&s, "%s%s", a, b) < 0) abort();
  return s;
}

int main(int argc, char **argv) {
  /* exec 4>&2 2>&3: the command's stderr is kept on 4; the setup's errors go to the report. */
  saved_stderr = fcntl(2, F_DUPFD_CLOEXEC, 4);
  if (saved_stderr < 0 || dup2(3, 2) < 0) return 1;
  if (argc < 8) {
    errno = EINVAL;
    fail("usage: sandboxInit --podnet-lab=PFX HOST STANDINS NODE FAST N [HOSTPATH PATH ro|rw]... COMMAND...");
  }
  const char *host = argv[2], *standins = argv[3], *node = argv[4], *fast = argv[5];
  int n = atoi(argv[6]);
  if (n < 0 || argc < 7 + 3 * n + 1) {
    errno = EINVAL;
    fail("bad mount count %s", argv[6]);
  }
  struct stat st;
  const char *r = stat("/mnt", &st) == 0 && S_ISDIR(st.st_mode) ? "/mnt" : "/tmp";
  do_mount("podnet-sandbox", r, "tmpfs", 0, "mode=0755,size=64m");
  char *upper = join(r, "/upper"), *work = join(r, "/work"), *root = join(r, "/root");
  mkdir_p(upper);
  mkdir_p(work);
  mkdir_p(root);
  char *overlay;
  if (asprintf(&overlay, "lowerdir=/,upperdir=%s,workdir=%s", upper, work) < 0) abort();
  do_mount("podnet-sandbox", root, "overlay", 0, overlay);
  do_mount("proc", join(root, "/proc"), "proc", 0, NULL);
  do_mount("/dev", join(root, "/dev"), NULL, MS_BIND | MS_REC, NULL);
  do_mount("sysfs", join(root, "/sys"), "sysfs", 0, NULL);
  do_mount("tmpfs", join(root, "/tmp"), "tmpfs", 0, "mode=1777");
  do_mount("tmpfs", join(root, "/run"), "tmpfs", 0, "mode=0755");
  mkdir_p(join(root, "/.podnet/standins"));
  touch(join(root, "/.podnet/node"));
  bind_mount(standins, join(root, "/.podnet/standins"), 1);
  bind_mount(node, join(root, "/.podnet/node"), 1);
  /* /agnhost is the C stand-in itself: `connect` in C, every other subcommand handed to agnhost.mjs. */
  char *agnhost = join(root, "/agnhost");
  if (fast[0] != 0) {
    touch(agnhost);
    bind_mount(fast, agnhost, 1);
  } else {
    write_file(agnhost, "#!/bin/sh\nexec /.podnet/node /.podnet/standins/agnhost.mjs \"$@\"\n", 0755);
  }
  /* netcat-openbsd itself when the machine has it (agnhost's image carries it); else the stand-in. */
  char *nc = join(root, "/usr/bin/nc");
  if (access("/bin/nc.openbsd", X_OK) == 0) {
    unlink(nc);
    if (symlink("/bin/nc.openbsd", nc) < 0) fail("symlink %s", nc);
  } else {
    unlink(nc);
    write_file(nc, "#!/bin/sh\nexec /.podnet/node /.podnet/standins/nc.mjs \"$@\"\n", 0755);
  }
  for (int i = 0; i < n; i++) {
    const char *src = argv[7 + 3 * i], *dst = argv[8 + 3 * i], *mode = argv[9 + 3 * i];
    char *target = join(root, dst);
    if (stat(src, &st) == 0 && S_ISDIR(st.st_mode)) {
      mkdir_p(target);
    } else {
      char *dir = strdup(target);
      char *slash = strrchr(dir, '/');
      if (slash && slash != dir) {
        *slash = 0;
        mkdir_p(dir);
      }
      touch(target);
    }
    bind_mount(src, target, strcmp(mode, "ro") == 0);
  }
  if (sethostname(host, strlen(host)) < 0) fail("hostname %s", host);
  if (dprintf(3, "ready\n") < 0) fail("report");
  char **cmd = argv + 7 + 3 * n;
  int cmdc = argc - (7 + 3 * n);
  pid_t pid = fork();
  if (pid < 0) fail("fork");
  if (pid == 0) {
    if (chroot(root) < 0 || chdir("/") < 0) fail("chroot %s", root);
    /* 2>&4 4>&-: the command's stderr is the client's again. */
    if (dup2(saved_stderr, 2) < 0) _exit(126);
    char **sh = calloc((size_t)cmdc + 5, sizeof *sh);
    sh[0] = "/bin/sh";
    sh[1] = "-c";
    sh[2] = "command -v \"$1\" >/dev/null 2>&1 || { printf \"missing %s\\n\" \"$1\" >&3; exit 127; }; exec \"$@\" 3>&-";
    sh[3] = "podnet-exec";
    for (int i = 0; i < cmdc; i++) sh[4 + i] = cmd[i];
    execv("/bin/sh", sh);
    _exit(127);
  }
  close(saved_stderr);
  close(3);
  /* PID 1 of the sandbox: reap everything, end with the command's status. */
  for (;;) {
    int status;
    pid_t w = waitpid(-1, &status, 0);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return 1;
    if (w != pid) continue;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
}
