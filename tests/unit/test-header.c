/* The public header alone, first and only: it must compile and link. */
#include <nvio.h>

int main(void)
{
	struct nvio_cmd c;

	nvio_cmd_read(&c, 1, 0, 8, NVIO_IO_FUA);
	return c.opcode == NVIO_OP_READ && nvio_version()[0] == '0' ? 0 : 1;
}
