"""Source files and source maps are read only inside the project, and never from special files."""

from __future__ import annotations

import json
import os
import socket
import threading
from pathlib import Path

import pytest

from heapscope.analysis.project_files import ProjectFiles, project_root
from heapscope.analysis.source.sourcemaps import encode_vlq, load_source_map
from heapscope.cli import main

from .conftest import snapshot_program
from .test_patterns import PROGRAMS

SECRET = "root:x:0:0:secret-first-line"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    (root / "package.json").write_text("{}")
    (root / "src" / "app.js").write_text("x();\n")
    (tmp_path / "secret.txt").write_text(SECRET + "\n")
    return root


def test_inside_is_read_outside_escapes_and_special_files_are_refused(project: Path, tmp_path: Path) -> None:
    files = ProjectFiles.around([project / "src" / "app.js"])
    assert files.roots == [project.resolve()]
    assert files.read_text(project / "src" / "app.js") == "x();\n"
    assert files.read_text(f"{project}/src/../../secret.txt") is None
    assert files.read_text("/etc/passwd") is None
    (project / "src" / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert files.read_text(project / "src" / "link.txt") is None
    os.mkfifo(project / "src" / "pipe.js")
    assert files.read_text(project / "src" / "pipe.js") is None  # returns at once, no writer needed
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(project / "src" / "sock.js"))
        assert files.read_text(project / "src" / "sock.js") is None
    assert files.refused == {
        str(project / "src" / "link.txt"): "outside the project",
        f"{project}/src/../../secret.txt": "outside the project",
        "/etc/passwd": "outside the project",
        str(project / "src" / "pipe.js"): "not a regular file",
        str(project / "src" / "sock.js"): "not a regular file",
    }
    assert ProjectFiles([tmp_path]).read_text("/dev/zero") is None
    assert ProjectFiles(["/dev"]).refusal("/dev/zero") == "not a regular file"


def test_a_snapshot_under_heapscope_belongs_to_the_project_above(project: Path) -> None:
    snapshots = project / ".heapscope" / "snapshots"
    snapshots.mkdir(parents=True)
    assert project_root(snapshots / "a.heapsnapshot") == project.resolve()
    assert project_root(project / "src" / "app.js") == project.resolve()


@pytest.mark.parametrize("url", ["/etc/shadow", "file:///etc/passwd", "../../../../../../../../etc/passwd"])
def test_a_mapping_url_outside_the_project_is_not_opened(project: Path, url: str) -> None:
    script = project / "src" / "app.js"
    script.write_text(f"x();\n//# sourceMappingURL={url}\n")
    files = ProjectFiles.around([script])
    assert load_source_map(str(script), read=files.read_bytes) is None
    assert list(files.refused.values()) == ["outside the project"]


def test_a_mapping_url_naming_a_fifo_is_not_opened(project: Path) -> None:
    script = project / "src" / "app.js"
    os.mkfifo(project / "src" / "app.js.map")
    script.write_text("x();\n//# sourceMappingURL=app.js.map\n")
    files = ProjectFiles.around([script])
    done = threading.Event()

    def load() -> None:
        assert load_source_map(str(script), read=files.read_bytes) is None
        done.set()

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    assert done.wait(10), "opening the map blocked on the FIFO"
    assert files.refused == {str(project / "src" / "app.js.map"): "not a regular file"}


LEAK = PROGRAMS["collection"]


@pytest.mark.parametrize("source", ["/etc/passwd", "SECRET", "../../../secret.txt"])
def test_a_map_whose_sources_leave_the_project_keeps_the_generated_line_and_says_so(
    tmp_path: Path, source: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """find-leaks (real CLI entry point, real snapshots) on a program whose map names a file elsewhere."""
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET + "\n")
    source = str(secret) if source == "SECRET" else source
    directory = tmp_path / "app"
    directory.mkdir()
    lines = LEAK.count("\n") + 40
    mappings = ";".join([encode_vlq([0, 0, 1 if i else 0, 0]) for i in range(lines)])
    (directory / "app.js.map").write_text(
        json.dumps({"version": 3, "sources": [source], "names": [], "mappings": mappings})
    )
    program = snapshot_program(directory, LEAK + "\n//# sourceMappingURL=app.js.map\n", track=True)
    report_path = tmp_path / "report.html"
    code = main(["find-leaks", "--format", "json", *map(str, program.snapshots)])
    assert code == 1
    document = json.loads(capsys.readouterr().out)
    top = document["findings"][0]
    assert (top["location"]["path"], top["location"]["line"]) == (str(program.program), program.leak_line)
    refused = [note for note in document["notes"] if note.startswith("not read: ")]
    assert len(refused) == 1 and "outside the project" in refused[0]
    assert main(["find-leaks", "--format", "html", "-o", str(report_path), *map(str, program.snapshots)]) == 1
    html = report_path.read_text()
    assert SECRET not in html
    assert "outside the project" in html
