"""Red-team submissions for the batch grader (one generator per attack)."""
