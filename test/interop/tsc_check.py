"""Run Tableau's own Python client (TSC) against the simulator, by hand.

Not part of `npm test`: TSC comes from PyPI, which CI can't reach. Usage:

    npm run simulator -- --port 8850 --demo        # in one shell
    PYTHONPATH=/path/to/server-client-python python3 test/interop/tsc_check.py http://127.0.0.1:8850

(TSC needs defusedxml, packaging, requests and typing_extensions; Debian has them as
python3-defusedxml, python3-packaging, python3-requests, python3-typing-extensions.)

Checks what a real Tableau does for TSC: PAT sign-in, paging, publish (createnew,
overwrite, asJob with wait_for_job), a chunked publish through fileUploads, download,
and the single-session rule of a PAT (401002 for the first token after a second sign-in).
Prints one line per check and `N passed, N failed` last.
"""
import hashlib
import io
import os
import sys
import tempfile
import zipfile

import tableauserverclient as TSC

SERVER = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8850"
PAT_NAME = os.environ.get("TSC_PAT_NAME", "demo-admin")
PAT_SECRET = os.environ.get("TSC_PAT_SECRET", "demo-pat-secret-7f3a9c1e5b")
SITE = os.environ.get("TSC_SITE", "sales")

results = []


def check(name, fn):
    try:
        fn()
        results.append((name, None))
        print(f"ok   {name}")
    except Exception as e:  # noqa: BLE001 - a check reports whatever broke
        results.append((name, e))
        print(f"FAIL {name}: {type(e).__name__}: {e}")


TWB = """<?xml version='1.0' encoding='utf-8' ?>
<workbook version='18.1' xmlns:user='http://www.tableausoftware.com/xml/user'>
  <datasources/>
  <worksheets><worksheet name='Orders by Region'/><worksheet name='Trend'/></worksheets>
  <dashboards><dashboard name='Overview'/></dashboards>
</workbook>
"""


def make_files(tmp):
    twbx = os.path.join(tmp, "TSC Check.twbx")
    with zipfile.ZipFile(twbx, "w") as z:
        z.writestr("TSC Check.twb", TWB)
        z.writestr("Data/readme.txt", "data")
    hyper = os.path.join(tmp, "tsc_big.hyper")
    with open(hyper, "wb") as f:
        f.write(b"Hyper\x00\x02\x00" + b"\x00" * 56)
        block = os.urandom(1024 * 1024)
        for _ in range(70):  # 70 MB: above TSC's 64 MB single-request limit, so it chunks
            f.write(block)
    return twbx, hyper


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    tmp = tempfile.mkdtemp(prefix="tsc-check-")
    twbx, hyper = make_files(tmp)
    server = TSC.Server(SERVER, use_server_version=True)
    auth = TSC.PersonalAccessTokenAuth(PAT_NAME, PAT_SECRET, site_id=SITE)
    state = {}

    def sign_in():
        server.auth.sign_in(auth)
        assert server.auth_token, "no token"
        state["project"] = next(p for p in TSC.Pager(server.projects) if p.parent_id is None)

    def paging():
        req = TSC.RequestOptions(pagesize=2)
        projects = list(TSC.Pager(server.projects, req))
        assert len(projects) >= 3, f"only {len(projects)} projects"
        assert len({p.id for p in projects}) == len(projects), "duplicate items across pages"
        workbooks = list(TSC.Pager(server.workbooks, req))
        assert all(w.id for w in workbooks)

    def publish_new():
        wb = TSC.WorkbookItem(project_id=state["project"].id, name="TSC Check")
        wb = server.workbooks.publish(wb, twbx, TSC.Server.PublishMode.CreateNew)
        assert wb.id and wb.name == "TSC Check", wb
        state["wb"] = wb
        server.workbooks.populate_views(wb)
        names = sorted(v.name for v in wb.views)
        assert names == ["Orders by Region", "Overview", "Trend"], names

    def publish_overwrite():
        wb = TSC.WorkbookItem(project_id=state["project"].id, name="TSC Check")
        again = server.workbooks.publish(wb, twbx, TSC.Server.PublishMode.Overwrite)
        assert again.id == state["wb"].id, (again.id, state["wb"].id)

    def publish_as_job():
        wb = TSC.WorkbookItem(project_id=state["project"].id, name="TSC Check Async")
        job = server.workbooks.publish(wb, twbx, TSC.Server.PublishMode.CreateNew, as_job=True)
        assert job.id, "no job id"
        done = server.jobs.wait_for_job(job, timeout=60)
        assert done.finish_code == TSC.JobItem.FinishCode.Success, done.finish_code
        assert done.completed_at is not None

    def chunked_publish():
        ds = TSC.DatasourceItem(project_id=state["project"].id, name="TSC Big Extract")
        ds = server.datasources.publish(ds, hyper, TSC.Server.PublishMode.Overwrite)
        assert ds.id
        state["ds"] = ds

    def download():
        path = server.workbooks.download(state["wb"].id, filepath=tmp, include_extract=True)
        assert sha256(path) == sha256(twbx), "downloaded bytes differ"

    def pat_single_session():
        first = server.auth_token
        other = TSC.Server(SERVER, use_server_version=True)
        other.auth.sign_in(auth)
        try:
            list(TSC.Pager(server.projects))
        except TSC.NotSignedInError:
            pass
        except TSC.server.endpoint.exceptions.ServerResponseError as e:
            assert str(e.code) == "401002", e.code
        else:
            raise AssertionError(f"the first token {first[:4]}… still works after a second PAT sign-in")
        other.auth.sign_out()

    check("PAT sign-in", sign_in)
    if "project" not in state:
        return
    check("paging (pagesize 2) over projects and workbooks", paging)
    check("publish .twbx createnew (views from the file)", publish_new)
    if "wb" in state:
        check("publish .twbx overwrite keeps the id", publish_overwrite)
        check("download equals the published bytes", download)
    check("publish as_job + wait_for_job", publish_as_job)
    check("chunked publish of a 70 MB .hyper through fileUploads", chunked_publish)
    check("PAT single session: 401002 for the first token", pat_single_session)


if __name__ == "__main__":
    main()
    failed = sum(1 for _, e in results if e)
    print(f"{len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed or not results else 0)
