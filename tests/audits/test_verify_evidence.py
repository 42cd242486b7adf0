import pytest
from django.core.management import CommandError, call_command

from audits.models.files import evidence_storage
from audits.services.evidence import evidence_verify_all
from tests.factories import EvidenceFactory

pytestmark = pytest.mark.django_db


def flip_one_byte(name: str, position: int = 5) -> None:
    path = evidence_storage().path(name)
    with open(path, "r+b") as stored:
        stored.seek(position)
        original = stored.read(1)
        stored.seek(position)
        stored.write(bytes([original[0] ^ 0x01]))


def test_all_files_intact(capsys):
    EvidenceFactory.create_batch(3)
    call_command("verify_evidence")
    out = capsys.readouterr().out
    assert "checked 3/3" in out and "All 3 stored files verified." in out


def test_a_flipped_byte_is_detected_with_a_failing_exit_code(capsys):
    intact, damaged = EvidenceFactory.create_batch(2)
    flip_one_byte(damaged.file.name)
    with pytest.raises(CommandError) as failed:
        call_command("verify_evidence")
    assert failed.value.returncode == 1
    err = capsys.readouterr().err
    assert f"HASH MISMATCH: audits.Evidence #{damaged.pk}" in err
    assert f"#{intact.pk} " not in err
    report = evidence_verify_all()
    assert [(p.pk, p.problem) for p in report.problems] == [(damaged.pk, "hash mismatch")]
    assert report.problems[0].expected == damaged.sha256


def test_a_missing_file_is_reported(capsys):
    evidence = EvidenceFactory()
    evidence_storage().delete(evidence.file.name)
    with pytest.raises(CommandError):
        call_command("verify_evidence")
    assert f"MISSING: audits.Evidence #{evidence.pk}" in capsys.readouterr().err


def test_a_truncated_file_is_a_mismatch():
    evidence = EvidenceFactory()
    with open(evidence_storage().path(evidence.file.name), "r+b") as stored:
        stored.truncate(10)
    assert evidence_verify_all().problems[0].problem == "hash mismatch"


def test_the_exit_status_of_the_real_command_is_nonzero(tmp_path):
    """Run as `manage.py verify_evidence` would: CommandError becomes exit status 1."""
    evidence = EvidenceFactory()
    flip_one_byte(evidence.file.name)
    with pytest.raises(SystemExit) as exited:
        from django.core.management import ManagementUtility

        ManagementUtility(["manage.py", "verify_evidence"]).execute()
    assert exited.value.code == 1
