{
  "targets": [
    {
      "target_name": "socket_tuning",
      "sources": ["src/socket_tuning.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
