"""Plans and supervision: plans, tasks down the tree, progress reports, lights and notices."""
