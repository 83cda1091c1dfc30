/* Attaches to TUN device argv[1] (IFF_TUN | IFF_NO_PI) and execs argv[2..] with the TUN fd as fd 3.
 * Node cannot issue the TUNSETIFF ioctl itself; everything else of the udp backend runs in Node. */
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: tunexec DEVICE COMMAND...\n");
    return 2;
  }
  int fd = open("/dev/net/tun", O_RDWR);
  if (fd < 0) {
    perror("open /dev/net/tun");
    return 1;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    perror("TUNSETIFF");
    return 1;
  }
  if (fd != 3) {
    if (dup2(fd, 3) < 0) {
      perror("dup2");
      return 1;
    }
    close(fd);
  }
  execvp(argv[2], argv + 2);
  perror("exec");
  return 1;
}
