#!/usr/bin/env python3
"""Writes memory.db of this fixture: a home of the previous schema (3), built with that schema's own DDL.

The statements are read from Schema.java as it was at commit 9bcdf6a (main before the usage table became
migration 4), applied one migration at a time with PRAGMA user_version after each, exactly as that
version's Schema.migrate did; then a little conversation is inserted with that schema's columns.
Run from the repository root:  python3 runtime/src/test/resources/upgrade/home-schema3/make-fixture.py
Needs git and the sqlite3 module of Python. The output is deterministic except for SQLite's page layout.
"""
import os
import re
import sqlite3
import subprocess

COMMIT = "9bcdf6a"
SOURCE = "bundles/org.openpista.memory.sqlite/src/main/java/org/openpista/memory/sqlite/internal/Schema.java"
APPLICATION_ID = 0x6F706973  # DatabaseFile.APPLICATION_ID ("opis")
HERE = os.path.dirname(os.path.abspath(__file__))

java = subprocess.run(["git", "show", f"{COMMIT}:{SOURCE}"], check=True, capture_output=True, text=True).stdout
body = java[java.index("MIGRATIONS = List.of("):java.index("static final int LATEST")]
# drop // comments, then read each migration's string literals: the first is its description
body = re.sub(r"^\s*//.*$", "", body, flags=re.M)
token = re.compile(r'"""\n(.*?)"""|"((?:[^"\\]|\\.)*)"(\s*\+\s*DatabaseFile\.APPLICATION_ID)?', re.S)
migrations = []
for number, chunk in re.findall(r"new Migration\((\d+),(.*?)(?=new Migration\(|\Z)", body, flags=re.S):
    literals = []
    for block, simple, plus_id in token.findall(chunk):
        literals.append(block if block else simple + (str(APPLICATION_ID) if plus_id else ""))
    migrations.append((int(number), literals[0], literals[1:]))
assert [m[0] for m in migrations] == [1, 2, 3], migrations

target = os.path.join(HERE, "memory.db")
if os.path.exists(target):
    os.remove(target)
db = sqlite3.connect(target, isolation_level=None)
for version, description, statements in migrations:
    db.execute("BEGIN IMMEDIATE")
    for sql in statements:
        db.execute(sql)
    db.execute(f"PRAGMA user_version = {version}")
    db.execute("COMMIT")
    print(f"applied {version}: {description} ({len(statements)} statements)")

# one command-line session of two turns (openpista run -s upgrade-fixture), written with schema 3's columns; times as that version wrote them
db.execute("BEGIN")
db.execute("INSERT INTO sessions VALUES ('upgrade-fixture', 'cli', 'cli:upgrade-fixture', "
           "'2026-12-01T10:00:00Z', '2026-12-01T10:01:00Z')")
rows = [
    (1, "user", "Remember the word: pistachio", None, None, None, 0, "2026-12-01T10:00:00Z"),
    (2, "assistant", "I will remember pistachio.", None, None, None, 0, "2026-12-01T10:00:05Z"),
    (3, "user", "What was the word?", None, None, None, 0, "2026-12-01T10:01:00Z"),
    (4, "assistant", "pistachio", None, None, None, 0, "2026-12-01T10:01:02Z"),
]
for seq, role, content, calls, call_id, tool, error, at in rows:
    db.execute("INSERT INTO messages (session_id, seq, role, content, tool_calls, tool_call_id, tool_name, is_error, "
               "provider_data, created_at) VALUES ('upgrade-fixture', ?, ?, ?, ?, ?, ?, ?, NULL, ?)",
               (seq, role, content, calls, call_id, tool, error, at))
# an attachment stored inline, as rows written before media files were (sha256 NULL, bytes in data)
db.execute("INSERT INTO attachments (message_id, position, mime_type, name, data, sha256) "
           "VALUES (1, 0, 'text/plain', 'note.txt', CAST('pistachio' AS BLOB), NULL)")
db.execute("COMMIT")
db.execute("VACUUM")
db.close()
os.chmod(target, 0o600)
print("wrote", target)
