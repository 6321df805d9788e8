"""Validation in the background worker (linked files, big files, limits,
a file replaced during its job), through the workflow's revisions, on the
report page, and from the command line."""
from __future__ import annotations

import io
from typing import Any

import pytest
from bs4 import BeautifulSoup
from werkzeug.datastructures import FileStorage

from ckan.cli.cli import ckan as ckan_cli
from ckan.lib import uploader
from ckan.plugins import toolkit as tk
from ckan.tests import factories

from ckanext.magetan import validation
from ckanext.magetan.validation import engine

from tests.conftest import indikator, run_worker
from tests.sop import FORUM, act, future, make_people, step, walk_to

# no request context around the tests: the test app's requests would share
# its app context, and with it the anonymous user Flask-Login cached there
pytestmark = pytest.mark.usefixtures("clean_db", "clean_queues")

GOOD = b"tahun,jumlah\n2023,10\n2024,12\n"
BAD = b"tahun,jumlah\n2023,10\n2024,-12\n"
SCHEMA = {"fields": [{"name": "tahun", "type": "year"},
                     {"name": "jumlah", "type": "integer", "unit": "kasus"}]}


@pytest.fixture
def people() -> dict[str, Any]:
    return make_people()


def upload(content: bytes, filename: str = "tabel.csv") -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=filename,
                       content_type="text/csv")


def status(people: dict[str, Any], resource: dict[str, Any]) -> str:
    return act(people["pengelola"], "resource_show",
               id=resource["id"])["validation_status"]


def headers(user: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}


class TestLinkedFiles:
    def test_a_link_is_validated_by_the_worker(self, people, table_server):
        draft = indikator(people["org"], private=True)
        resource = act(people["pengelola"], "resource_create",
                       package_id=draft["id"], name="Tabel", format="CSV",
                       url=table_server.add(GOOD), schema=SCHEMA)
        assert resource["validation_status"] == "pending"
        with pytest.raises(tk.ValidationError) as caught:
            step(people["pengelola"], draft, "submit")
        assert "Tabel" in str(caught.value.error_dict["transition"])
        run_worker()
        assert status(people, resource) == "success"
        assert step(people["pengelola"], draft, "submit")["state"] == \
            "opd_review"

    def test_a_linked_workbook(self, people, table_server, tmp_path):
        from tests.magetan.validation import files

        content = files.titled_workbook(tmp_path / "t.xlsx").read_bytes()
        draft = indikator(people["org"], private=True,
                          reference_period="2024")
        resource = act(people["pengelola"], "resource_create",
                       package_id=draft["id"], format="XLSX",
                       url=table_server.add(content, "tabel.xlsx"),
                       dialect={"headerRows": [3, 4], "headerJoin": " ",
                                "excel": {"fillMergedCells": True}})
        run_worker()
        assert status(people, resource) == "success"

    def test_a_failing_link_fails(self, people, table_server):
        draft = indikator(people["org"], private=True)
        resource = act(people["pengelola"], "resource_create",
                       package_id=draft["id"], format="CSV",
                       url=table_server.add(BAD), schema=SCHEMA)
        run_worker()
        assert status(people, resource) == "failure"
        errors = engine.errors_of(act(
            people["pengelola"], "resource_validation_show",
            resource_id=resource["id"])["report"])
        assert [(e["type"], e["rowNumber"]) for e in errors] == [
            ("magetan-negative", 3)]

    def test_a_link_to_this_machine_is_refused(self, people, table_server,
                                               ckan_config, monkeypatch):
        url = table_server.add(GOOD)
        monkeypatch.setitem(
            ckan_config, "ckanext.magetan.validation.allow_private_urls",
            False)
        draft = indikator(people["org"], private=True)
        resource = act(people["pengelola"], "resource_create",
                       package_id=draft["id"], format="CSV", url=url)
        run_worker()
        shown = act(people["pengelola"], "resource_validation_show",
                    resource_id=resource["id"])
        assert shown["status"] == "error"
        assert shown["error"]["type"] == "magetan-fetch"
        assert shown["report"] is None  # nothing of the target is shown

    def test_a_link_that_answers_404_is_an_error(self, people, table_server):
        draft = indikator(people["org"], private=True)
        url = table_server.add(GOOD).rsplit("/", 2)[0] + "/hilang/t.csv"
        resource = act(people["pengelola"], "resource_create",
                       package_id=draft["id"], format="CSV", url=url)
        run_worker()
        assert status(people, resource) == "error"


def queued_table(people: dict[str, Any], ckan_config: Any,
                 monkeypatch: pytest.MonkeyPatch, content: bytes = GOOD,
                 **fields: Any) -> dict[str, Any]:
    """An uploaded table too big to validate at once (a limit of 10
    bytes): it waits for the worker."""
    monkeypatch.setitem(
        ckan_config, "ckanext.magetan.validation.inline_max_bytes", 10)
    draft = indikator(people["org"], private=True)
    return act(people["pengelola"], "resource_create",
               package_id=draft["id"], format="CSV", upload=upload(content),
               **fields)


class TestBigFilesAndLimits:
    def test_a_big_upload_waits_for_the_worker(self, people, app,
                                               ckan_config, monkeypatch):
        resource = queued_table(people, ckan_config, monkeypatch,
                                schema=SCHEMA)
        assert resource["validation_status"] == "pending"
        page = app.get(f"/dataset/{resource['package_id']}/resource/"
                       f"{resource['id']}/validation",
                       headers=headers(people["pengelola"]))
        pending = BeautifulSoup(page.body, "html.parser").select_one(
            "#magetan-validation-pending")
        assert "antrean" in pending.text  # waits in the worker's queue
        run_worker()
        assert status(people, resource) == "success"

    def test_a_job_over_its_time_is_an_error(self, people, ckan_config,
                                             monkeypatch):
        monkeypatch.setitem(ckan_config,
                            "ckanext.magetan.validation.timeout", 1)
        slow = engine.validate_file

        def sleepy(*args: Any, **kwargs: Any) -> engine.Outcome:
            import time

            time.sleep(5)
            return slow(*args, **kwargs)

        monkeypatch.setattr(engine, "validate_file", sleepy)
        resource = queued_table(people, ckan_config, monkeypatch)
        run_worker()
        shown = act(people["pengelola"], "resource_validation_show",
                    resource_id=resource["id"])
        assert (shown["status"], shown["error"]["type"]) == (
            "error", "magetan-timeout")

    def test_a_job_over_its_memory_is_an_error(self, people, ckan_config,
                                               monkeypatch):
        monkeypatch.setitem(ckan_config,
                            "ckanext.magetan.validation.memory_mb", 64)

        def greedy(*args: Any, **kwargs: Any) -> engine.Outcome:
            hoard = bytearray(512 * 1024 * 1024)
            return engine.Outcome(status="success", report={"n": len(hoard)})

        monkeypatch.setattr(engine, "validate_file", greedy)
        resource = queued_table(people, ckan_config, monkeypatch)
        run_worker()
        shown = act(people["pengelola"], "resource_validation_show",
                    resource_id=resource["id"])
        assert (shown["status"], shown["error"]["type"]) == (
            "error", "magetan-memory")

    def test_a_job_that_dies_is_an_error(self, people, ckan_config,
                                         monkeypatch):

        def broken(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError("the database went away")

        monkeypatch.setattr(validation, "run", broken)
        resource = queued_table(people, ckan_config, monkeypatch)
        run_worker()
        monkeypatch.undo()
        shown = act(people["pengelola"], "resource_validation_show",
                    resource_id=resource["id"])
        assert shown["status"] == "error"
        assert "RuntimeError" in shown["error"]["message"]
        # its text (paths, say) is in the log, not shown to readers
        assert "database went away" not in shown["error"]["message"]

    def test_a_job_whose_process_is_killed_is_an_error(
            self, people, ckan_config, monkeypatch, cli):
        """The kernel kills the work horse (no Python, no RQ callback runs
        in it): the command settles the pending result as an error instead
        of reading the file again in its own process."""
        import os
        import signal

        def killed(*args: Any, **kwargs: Any) -> None:
            os.kill(os.getpid(), signal.SIGKILL)

        resource = queued_table(people, ckan_config, monkeypatch)
        monkeypatch.setattr(validation, "run", killed)
        run_worker()  # the horse is a fork: it gets the patched run
        monkeypatch.undo()
        assert status(people, resource) == "pending"
        result = cli.invoke(ckan_cli, ["magetan", "validation", "run"])
        assert result.exit_code == 0, result.output
        assert "1 table whose job died" in result.output
        assert "Validated 0 tables" in result.output
        shown = act(people["pengelola"], "resource_validation_show",
                    resource_id=resource["id"])
        assert shown["status"] == "error"
        assert shown["error"]["message"] == (
            "the validation job stopped (its process ended)")

    def test_a_file_replaced_while_its_job_runs(self, people, ckan_config,
                                                monkeypatch):
        """The job's result is of the old file: it is dropped, and the new
        file's own validation decides."""
        resource = queued_table(people, ckan_config, monkeypatch,
                                schema=SCHEMA)
        real = engine.validate_file

        def replaced_meanwhile(*args: Any, **kwargs: Any) -> engine.Outcome:
            outcome = real(*args, **kwargs)
            act(people["pengelola"], "resource_patch", id=resource["id"],
                upload=upload(BAD))
            return outcome

        monkeypatch.setattr(engine, "validate_file", replaced_meanwhile)
        validation.run(resource["id"])
        monkeypatch.undo()
        # the good file's success was not kept for the bad file
        assert status(people, resource) == "pending"
        run_worker()
        assert status(people, resource) == "failure"


    def test_a_result_is_written_only_onto_what_it_validated(
            self, people, ckan_config, monkeypatch):
        """A save that commits between the run's last look at the resource
        and its write has marked the row pending with its own fingerprint:
        the run's result does not overwrite it."""
        import sqlalchemy as sa

        from ckan import model

        from ckanext.magetan.validation.tables import result as table

        resource = queued_table(people, ckan_config, monkeypatch,
                                schema=SCHEMA)
        real = validation._outcome

        def saved_meanwhile(*args: Any, **kwargs: Any) -> engine.Outcome:
            outcome = real(*args, **kwargs)
            with model.meta.engine.begin() as other:  # another process
                other.execute(sa.update(table).where(
                    table.c.resource_id == resource["id"]).values(
                        fingerprint="saved-meanwhile", status="pending"))
            return outcome

        monkeypatch.setattr(validation, "_outcome", saved_meanwhile)
        assert validation.run(resource["id"]) is None
        row = validation.rows([resource["id"]])[resource["id"]]
        assert (row["fingerprint"], row["status"]) == (
            "saved-meanwhile", "pending")


class TestRevisions:
    def test_the_public_keeps_its_valid_file(self, people, app):
        draft = indikator(people["org"], private=True)
        act(people["pengelola"], "resource_create", package_id=draft["id"],
            name="Tabel", format="CSV", upload=upload(GOOD),
            schema=SCHEMA)
        walk_to(people, draft, "published")
        revision = act(people["pengelola"], "magetan_workflow_revision_start",
                       id=draft["id"], change_note="Ralat 2024")
        copy = act(people["pengelola"], "package_show", id=revision["id"])
        assert copy["resources"][0]["validation_status"] == "success"
        failed = act(people["pengelola"], "resource_patch",
                     id=copy["resources"][0]["id"], upload=upload(BAD))
        assert failed["validation_status"] == "failure"
        with pytest.raises(tk.ValidationError):
            step(people["pengelola"], copy, "submit")
        public = act(None, "package_show", id=draft["id"])["resources"][0]
        assert public["validation_status"] == "success"
        path = uploader.get_resource_uploader(public).get_path(public["id"])
        with open(path, "rb") as f:
            assert f.read() == GOOD  # the public keeps the valid file
        fixed = GOOD.replace(b"12", b"13")
        act(people["pengelola"], "resource_patch",
            id=copy["resources"][0]["id"], upload=upload(fixed))
        for transition, who, params in (
                ("submit", "pengelola", {}), ("approve_opd", "pimpinan", {}),
                ("verify", "kasi", FORUM), ("approve", "kabid", {}),
                ("schedule", "kadin", {"release_at": future()}),
                ("publish", "kadin", {})):
            step(people[who], copy, transition, **params)
        public = act(None, "package_show", id=draft["id"])["resources"][0]
        # the merged file's result came with it: no validation again
        assert public["validation_status"] == "success"
        assert validation.rows([public["id"]])[public["id"]][
            "fingerprint"] == validation.fingerprint(
                validation.model.Resource.get(public["id"]))


class TestReportPage:
    def test_the_report_says_where_what_and_how(self, people, app):
        draft = indikator(people["org"], private=True)
        resource = act(people["pengelola"], "resource_create",
                       package_id=draft["id"], format="CSV", name="Tabel",
                       upload=upload(b"tahun,jumlah\n2023,10\n2024,dua\n"),
                       schema=SCHEMA)
        url = f"/dataset/{draft['name']}/resource/{resource['id']}/validation"
        page = BeautifulSoup(app.get(url, headers=headers(
            people["pengelola"])).body, "html.parser")
        row = page.select_one("table.magetan-validation-errors tbody tr")
        assert row["data-row"] == "3" and row["data-column"] == "jumlah"
        cells = [td.text.strip() for td in row.select("td")]
        assert cells[0].startswith("Baris 3, kolom jumlah")
        assert "bilangan bulat" in cells[1]
        assert cells[2]  # how to fix it
        assert page.select_one(".magetan-validation-badge").text.strip() == \
            "Tidak valid"
        # the resource page and the dataset page carry the badge
        resource_page = app.get(
            f"/dataset/{draft['name']}/resource/{resource['id']}",
            headers=headers(people["pengelola"])).body
        assert "Tidak valid" in resource_page and url in resource_page

    def test_validate_again_from_the_page(self, people, app):
        draft = indikator(people["org"], private=True)
        resource = act(people["pengelola"], "resource_create",
                       package_id=draft["id"], format="CSV",
                       upload=upload(GOOD))
        act(people["pengelola"], "resource_validation_delete",
            resource_id=resource["id"])
        url = (f"/dataset/{draft['name']}/resource/{resource['id']}"
               "/validation/run")
        app.post(url, status=403)
        refused = app.post(url, headers=headers(people["member"]))
        assert "Hanya editor dataset ini" in refused.body
        assert status(people, resource) == "pending"
        page = app.post(url, headers=headers(people["pengelola"]))
        assert "Berkas sudah divalidasi" in page.body
        assert status(people, resource) == "success"

    def test_strangers_get_no_report(self, people, app):
        draft = indikator(people["org"], private=True)
        resource = act(people["pengelola"], "resource_create",
                       package_id=draft["id"], format="CSV",
                       upload=upload(GOOD))
        url = f"/dataset/{draft['name']}/resource/{resource['id']}/validation"
        app.get(url, status=404)  # as CKAN: a private dataset is not told
        app.get(url, headers=headers(people["stranger"]), status=404)
        other = indikator(people["org"], private=True)
        app.get(f"/dataset/{other['name']}/resource/{resource['id']}"
                "/validation", headers=headers(people["pengelola"]),
                status=404)


def test_the_command_validates_what_is_pending(people, cli, ckan_config,
                                               monkeypatch):
    monkeypatch.setitem(
        ckan_config, "ckanext.magetan.validation.inline_max_bytes", 10)
    draft = indikator(people["org"], private=True)
    resources = [act(people["pengelola"], "resource_create",
                     package_id=draft["id"], format="CSV",
                     upload=upload(content), schema=SCHEMA)
                 for content in (GOOD, BAD)]
    result = cli.invoke(ckan_cli, ["magetan", "validation", "run"])
    assert result.exit_code == 0, result.output
    assert "Validated 2 tables: 1 failure, 1 success." in result.output
    assert [status(people, r) for r in resources] == ["success", "failure"]
    again = cli.invoke(ckan_cli, ["magetan", "validation", "run"])
    assert "Validated 0 tables" in again.output
    forced = cli.invoke(ckan_cli, ["magetan", "validation", "run", "--all"])
    assert "Validated 2 tables" in forced.output


def test_the_command_queues_every_table_again(people, cli):
    """``--all --background``: the worker validates every table again,
    though their results are current."""
    draft = indikator(people["org"], private=True)
    resource = act(people["pengelola"], "resource_create",
                   package_id=draft["id"], format="CSV", upload=upload(GOOD),
                   schema=SCHEMA)
    run_worker()
    before = validation.rows([resource["id"]])[resource["id"]]
    assert before["status"] == "success"
    result = cli.invoke(ckan_cli, ["magetan", "validation", "run", "--all",
                                   "--background"])
    assert result.exit_code == 0, result.output
    assert "1 table queued for the worker." in result.output
    run_worker()
    after = validation.rows([resource["id"]])[resource["id"]]
    assert after["status"] == "success"
    assert after["finished"] > before["finished"]


def test_linked_tables_are_validated_again_from_cron(people, cli,
                                                     table_server):
    """A linked file changed at its source: ``--links`` finds it out."""
    draft = indikator(people["org"], private=True)
    url = table_server.add(GOOD)
    linked = act(people["pengelola"], "resource_create",
                 package_id=draft["id"], format="CSV", url=url,
                 schema=SCHEMA)
    uploaded = act(people["pengelola"], "resource_create",
                   package_id=draft["id"], format="CSV", upload=upload(GOOD),
                   schema=SCHEMA)
    run_worker()
    assert status(people, linked) == "success"
    path = url.split("/", 3)[3]
    table_server.files["/" + path] = (BAD, "text/csv")
    result = cli.invoke(ckan_cli, ["magetan", "validation", "run",
                                   "--links"])
    assert result.exit_code == 0, result.output
    assert "Validated 1 table: 1 failure." in result.output
    assert status(people, linked) == "failure"
    assert status(people, uploaded) == "success"
