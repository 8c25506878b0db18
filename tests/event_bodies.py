"""Message bodies built by hand to the field tables of the FTS monitoring messages (FTS 3.14 and older shapes).

Each function gives a fresh dict as the message daemon would serialise it (before the trailing byte).
"""

from __future__ import annotations

from typing import Any

JOB_ID = "8f4e2c1a-5b7d-11ef-9a3c-fa163e2f8b10"
FILE_ID = 4312987654
SRC = "davs://webdav.source-se.example.org:2880/atlas/rucio/data24/3f/a1/DAOD_PHYS.41234567._000123.pool.root.1"
DST = "davs://eosatlas.example.ch:443/eos/atlas/rucio/data24/3f/a1/DAOD_PHYS.41234567._000123.pool.root.1"
TRANSFER_ID = f"2025-08-21-1432__webdav.source-se.example.org__eosatlas.example.ch__{FILE_ID}__{JOB_ID}"
ENDPOINT = "https://fts3.example.org:8446"
FILE_METADATA = {"request_id": "5c0d2a7e9b8f4e1aa3c4d5e6f7a8b9c0", "scope": "data24", "src_type": "DISK"}
JOB_METADATA = {"auth_method": "certificate", "issuer": "rucio", "multi_sources": False}


def start() -> dict[str, Any]:
    return {
        "dest_srm_v": "", "dst_hostname": "eosatlas.example.ch", "dst_site_name": "", "dst_url": DST,
        "endpnt": ENDPOINT, "file_id": FILE_ID, "file_metadata": dict(FILE_METADATA), "is_archiving": False,
        "job_id": JOB_ID, "job_metadata": dict(JOB_METADATA), "src_hostname": "webdav.source-se.example.org",
        "src_site_name": "", "src_srm_v": "", "src_url": SRC, "srm_space_token_dst": "", "srm_space_token_src": "",
        "t_channel": "webdav.source-se.example.org__eosatlas.example.ch", "timestamp": 1755786720130,
        "transfer_id": TRANSFER_ID, "user_dn": "", "vo": "atlas",
    }  # fmt: skip


def complete() -> dict[str, Any]:
    """A successful attempt: all 83 fields."""
    return {
        "activity": "Data Consolidation", "auth_method": "certificate", "block_size": 0, "buf_size": 0,
        "channel_type": "urlcopy", "chk_timeout": 0, "cleanup_code": -1, "dest_srm_v": "",
        "dst_hostname": "eosatlas.example.ch", "dst_protocol": "davs", "dst_se": "davs://eosatlas.example.ch",
        "dst_site_name": "", "dst_transfer_protocol": "https", "dst_url": DST, "endpnt": ENDPOINT,
        "eviction_code": -1, "f_size": 2147483648, "file_id": FILE_ID, "file_metadata": dict(FILE_METADATA),
        "file_size": 2147483648, "final_destination": "", "ipver": "unknown", "is_archiving": False,
        "is_recoverable": False, "job_id": JOB_ID, "job_m_replica": False, "job_metadata": dict(JOB_METADATA),
        "job_multihop": False, "job_state": "UNKNOWN", "nstreams": 1, "operation_time": 26198,
        "overwrite_on_disk_deletion_code": -1, "overwrite_on_disk_flag": False, "protocol": "davs",
        "protocol_translation": False, "retry": 0, "retry_max": 0, "scitag": 130,
        "src_hostname": "webdav.source-se.example.org", "src_protocol": "davs",
        "src_se": "davs://webdav.source-se.example.org", "src_site_name": "", "src_srm_v": "",
        "src_transfer_protocol": "https", "src_url": SRC, "srm_finalization_time": 0, "srm_overhead_percentage": 0.0,
        "srm_overhead_time": 0, "srm_preparation_time": 0, "srm_space_token_dst": "", "srm_space_token_src": "",
        "t__error_message": "", "t_channel": "webdav.source-se.example.org__eosatlas.example.ch", "t_error_code": 0,
        "t_failure_phase": "", "t_final_transfer_state": "Ok", "t_final_transfer_state_flag": 1, "t_timeout": 4696,
        "tcp_buf_size": 0, "throughput": 88253961.615912557, "time_srm_fin_end": 0, "time_srm_fin_st": 0,
        "time_srm_prep_end": 0, "time_srm_prep_st": 0, "timestamp_checksum_dest_ended": 1755786746203,
        "timestamp_checksum_dest_st": 1755786745903, "timestamp_checksum_dst_diff": 300,
        "timestamp_checksum_src_diff": 400, "timestamp_chk_src_ended": 1755786721201,
        "timestamp_chk_src_st": 1755786720801, "timestamp_tr_comp": 1755786745789, "timestamp_tr_st": 1755786721456,
        "tr_bt_transfered": 2147483648, "tr_error_category": "", "tr_error_scope": "", "tr_id": TRANSFER_ID,
        "tr_timestamp_complete": 1755786746321, "tr_timestamp_start": 1755786720123, "transfer_lasthop": False,
        "transfer_time": 24333, "transfer_type": "3rd pull", "user_dn": "", "vo": "atlas",
    }  # fmt: skip


def complete_failed() -> dict[str, Any]:
    """A failed attempt (destination exists), with the traps: no exit event, a wrapped SRM sum."""
    return complete() | {
        "t_final_transfer_state": "Error", "t_final_transfer_state_flag": 0, "t_error_code": 17,
        "tr_error_scope": "DESTINATION", "t_failure_phase": "TRANSFER_PREPARATION", "tr_error_category": "FILE_EXISTS",
        "t__error_message": "Destination file exists and overwrite is not enabled", "is_recoverable": False,
        "retry": 1, "retry_max": 3, "timestamp_tr_st": 1755786721456, "timestamp_tr_comp": 0,
        "transfer_time": -1755786721456, "throughput": -1.0, "srm_overhead_time": 18446744073709551000,
        "auth_method": "null", "tr_bt_transfered": 0,
    }  # fmt: skip


def complete_before_3_12() -> dict[str, Any]:
    """A completion of a server before 3.12: no job_id/file_id, no derived fields."""
    old = complete()
    missing = ("job_id", "file_id", "src_se", "dst_se", "protocol", "t_final_transfer_state_flag", "file_size")
    for name in (*missing, "transfer_time", "operation_time", "throughput", "src_protocol", "dst_protocol"):
        del old[name]
    old["file_metadata"] = ""
    return old


def state() -> dict[str, Any]:
    """The transfer server's variant, after FINISHED."""
    return {
        "archiving": False, "archiving_finished": 0, "archiving_start": 0, "dest_se": "davs://eosatlas.example.ch",
        "dst_url": DST, "endpnt": ENDPOINT, "file_id": FILE_ID, "file_metadata": dict(FILE_METADATA),
        "file_state": "FINISHED", "job_id": JOB_ID, "job_metadata": dict(JOB_METADATA), "job_state": "FINISHED",
        "reason": "", "retry_counter": 0, "retry_max": 0, "source_se": "davs://webdav.source-se.example.org",
        "src_url": SRC, "staging": False, "staging_finished": 0, "staging_start": 0, "submit_time": 1755786600000,
        "timestamp": 1755786747012, "user_dn": "", "user_filesize": 2147483648, "vo_name": "atlas",
    }  # fmt: skip


def state_rest() -> dict[str, Any]:
    """The REST server's variant, written at submission."""
    return {
        "archive_metadata": None, "dest_se": "davs://eosatlas.example.ch", "dst_url": DST, "endpnt": ENDPOINT,
        "file_id": FILE_ID, "file_metadata": {"request_id": "5c0d2a7e9b8f4e1aa3c4d5e6f7a8b9c0"},
        "file_state": "SUBMITTED", "job_id": JOB_ID, "job_metadata": {"auth_method": "certificate"},
        "job_state": "SUBMITTED", "retry_counter": 0, "retry_max": 0, "source_se": "davs://webdav.source-se.example.org",
        "src_url": SRC, "staging_metadata": None, "timestamp": 1755786600512.345, "user_dn": "", "vo_name": "atlas",
    }  # fmt: skip


def optimizer() -> dict[str, Any]:
    return {
        "active_count": 38, "connections": 42, "dest_se": "davs://eosatlas.example.ch", "diff": 2, "duration_avg": 27,
        "endpnt": ENDPOINT, "filesize_avg": 1932735283.2, "filesize_stddev": 402653184.55000001,
        "rationale": "Good link efficiency, current average throughput is larger than the preceding average",
        "retry_count": 0, "source_se": "davs://webdav.source-se.example.org", "submitted_count": 412,
        "success_rate": 100.0, "throughput": 73555555.555555552, "throughput_ema": 71900000.0,
        "timestamp": 1755786780044,
    }  # fmt: skip
