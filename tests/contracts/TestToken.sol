// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// A minimal ERC-20 for txdoctor's integration tests: it emits real `Transfer`
/// logs and fails in every way the diagnosis must explain (a revert with a
/// reason string, a Panic, a custom error, running out of gas).
/// Compiled by `tests/contracts/build.sh`; the bytecode is committed beside it.
contract TestToken {
    string public name;
    string public symbol;
    uint8 public decimals;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;

    event Transfer(address indexed from, address indexed to, uint256 value);

    error Unauthorized(address caller);

    constructor(string memory name_, string memory symbol_, uint8 decimals_, uint256 supply) {
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
        totalSupply = supply;
        balanceOf[msg.sender] = supply;
        emit Transfer(address(0), msg.sender, supply);
    }

    function transfer(address to, uint256 amount) external returns (bool) {
        _move(msg.sender, to, amount);
        return true;
    }

    /// Several transfers in one transaction, as a disperse or exchange payout does.
    function transferMany(address[] calldata to, uint256 amount) external returns (bool) {
        for (uint256 i = 0; i < to.length; i++) {
            _move(msg.sender, to[i], amount);
        }
        return true;
    }

    /// Fails with Panic(0x12) when `divisor` is zero.
    function divide(uint256 divisor) external returns (uint256) {
        totalSupply = totalSupply / divisor;
        return totalSupply;
    }

    /// Always fails with the custom error `Unauthorized(msg.sender)`.
    function restricted() external view {
        revert Unauthorized(msg.sender);
    }

    /// Loops until the gas runs out.
    function burnGas() external {
        uint256 i = 0;
        while (gasleft() > 0) {
            i++;
            totalSupply = i;
        }
    }

    function _move(address from, address to, uint256 amount) internal {
        require(balanceOf[from] >= amount, "ERC20: transfer amount exceeds balance");
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }
}
