"""Homework 1 (Adam): one grader module per notebook of ``source/hw1_adam/``."""
