{
  "targets": [
    {
      "target_name": "receive_path",
      "sources": ["src/receive_path.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
