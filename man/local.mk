# man: build rules, included from the top-level Makefile.am.
#
# libnvio(3) is the overview; every public function of include/nvio.h has
# a page, or a one-line .so alias to the page of its family. Aliases say
# ".so man3/PAGE.3", resolved from the man root once installed.
# man/check-pages.sh checks this list against the header and the pages.

dist_man_MANS += \
	man/libnvio.3 \
	man/nvio_admin_passthru.3 \
	man/nvio_buf_alloc.3 \
	man/nvio_buf_free.3 \
	man/nvio_cmd_compare.3 \
	man/nvio_cmd_dsm.3 \
	man/nvio_cmd_flush.3 \
	man/nvio_cmd_get_features.3 \
	man/nvio_cmd_get_log.3 \
	man/nvio_cmd_identify.3 \
	man/nvio_cmd_init.3 \
	man/nvio_cmd_io_mgmt_recv.3 \
	man/nvio_cmd_io_mgmt_send.3 \
	man/nvio_cmd_read.3 \
	man/nvio_cmd_rw.3 \
	man/nvio_cmd_set_features.3 \
	man/nvio_cmd_verify.3 \
	man/nvio_cmd_write.3 \
	man/nvio_cmd_write_zeroes.3 \
	man/nvio_cmd_zone_mgmt_recv.3 \
	man/nvio_cmd_zone_mgmt_send.3 \
	man/nvio_compare.3 \
	man/nvio_copy_range_set.3 \
	man/nvio_crc16_t10dif.3 \
	man/nvio_crc64_nvme.3 \
	man/nvio_dev_close.3 \
	man/nvio_dev_ctrl_state.3 \
	man/nvio_dev_fd.3 \
	man/nvio_dev_info.3 \
	man/nvio_dev_open.3 \
	man/nvio_dev_set_admin_timeout.3 \
	man/nvio_dsm.3 \
	man/nvio_fdp_configs_decode.3 \
	man/nvio_fdp_events_decode.3 \
	man/nvio_fdp_ruh_status.3 \
	man/nvio_fdp_pid_check.3 \
	man/nvio_fdp_ruh_status_decode.3 \
	man/nvio_flush.3 \
	man/nvio_get_feature.3 \
	man/nvio_get_log.3 \
	man/nvio_get_log_page.3 \
	man/nvio_identify.3 \
	man/nvio_identify_active_ns.3 \
	man/nvio_identify_ctrl.3 \
	man/nvio_identify_ns.3 \
	man/nvio_io.3 \
	man/nvio_io_encode.3 \
	man/nvio_io_mgmt_recv.3 \
	man/nvio_io_mgmt_send.3 \
	man/nvio_kernel_polls_safely.3 \
	man/nvio_kernel_version.3 \
	man/nvio_log_req_encode.3 \
	man/nvio_passthru.3 \
	man/nvio_pi_generate.3 \
	man/nvio_pi_verify.3 \
	man/nvio_queue_add_ns.3 \
	man/nvio_queue_buf.3 \
	man/nvio_queue_compare.3 \
	man/nvio_queue_create.3 \
	man/nvio_queue_depth.3 \
	man/nvio_queue_destroy.3 \
	man/nvio_queue_dev.3 \
	man/nvio_queue_dsm.3 \
	man/nvio_queue_event_fd.3 \
	man/nvio_queue_flags.3 \
	man/nvio_queue_flush.3 \
	man/nvio_queue_inflight.3 \
	man/nvio_queue_io.3 \
	man/nvio_queue_passthru.3 \
	man/nvio_queue_read.3 \
	man/nvio_queue_readv.3 \
	man/nvio_queue_reap.3 \
	man/nvio_queue_reap_timeout.3 \
	man/nvio_queue_set_timeout.3 \
	man/nvio_queue_set_wait.3 \
	man/nvio_queue_submit.3 \
	man/nvio_queue_timeout.3 \
	man/nvio_queue_wait.3 \
	man/nvio_queue_verify.3 \
	man/nvio_queue_write.3 \
	man/nvio_queue_write_zeroes.3 \
	man/nvio_queue_writev.3 \
	man/nvio_quirk.3 \
	man/nvio_quirk_applies.3 \
	man/nvio_read.3 \
	man/nvio_readv.3 \
	man/nvio_res_is_nvme.3 \
	man/nvio_set_feature.3 \
	man/nvio_status_crd.3 \
	man/nvio_status_dnr.3 \
	man/nvio_status_more.3 \
	man/nvio_status_sc.3 \
	man/nvio_status_sct.3 \
	man/nvio_strerror.3 \
	man/nvio_verify.3 \
	man/nvio_version.3 \
	man/nvio_write.3 \
	man/nvio_write_zeroes.3 \
	man/nvio_writev.3 \
	man/nvio_zone_mgmt.3 \
	man/nvio_zone_report.3 \
	man/nvio_zone_report_decode.3

EXTRA_DIST += man/example.c man/check-pages.sh

# The pages keep up with the header; the example compiles and links.
TESTS += man/check-pages.sh
check_PROGRAMS += man/example
man_example_LDADD = lib/libnvio.la
man_example_LDFLAGS = $(AM_LDFLAGS) -no-install
