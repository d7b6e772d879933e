"""clerk"""
